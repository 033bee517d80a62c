"""First two-factor set-up confirmed by an administrator, instead of the e-mailed link.

Only administrators (superusers) may confirm, never their own set-up, only for staff who have
not set it up yet; the confirmation opens the QR code for that one person, once, for 24 hours.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import AuditEvent, TwoFactorApproval
from tests.accounts.test_two_factor_recovery import QR, code_for, log_in
from tests.personas import admin_login_url

APPROVALS = reverse("two_factor_approvals")
SETUP = reverse("two_factor_setup")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, admin_login_url(APPROVALS)),
        ("visitor", admin_login_url(APPROVALS)),
        ("practitioner_user", 403),
        ("editor", 403),
        ("receptionist", 403),
        ("admin", 200),
    ],
)
def test_permission_matrix(client, personas, role, expected):
    if role:
        client.force_login(getattr(personas, role))
    for response in (
        client.get(APPROVALS),
        client.post(APPROVALS, {"user": personas.practitioner_user.pk}),
    ):
        if isinstance(expected, str):
            assert (response.status_code, response.url) == (302, expected)
        elif role == "admin" and response.request["REQUEST_METHOD"] == "POST":
            assert (response.status_code, response.url) == (302, APPROVALS)
        else:
            assert response.status_code == expected
    approved = TwoFactorApproval.objects.filter(user=personas.practitioner_user).exists()
    assert approved == (role == "admin")


def test_an_administrator_confirms_and_the_person_sets_it_up_without_the_email(
    client, personas, mailoutbox
):
    practitioner = personas.practitioner_user
    log_in(client, "practitioner")
    assert QR not in client.get(SETUP).content.decode()  # the e-mail would be needed

    admin = client.__class__()
    admin.force_login(personas.admin)
    page = admin.get(APPROVALS).content.decode()
    assert "practitioner" in page and "I have checked who they are" in page
    response = admin.post(APPROVALS, {"user": practitioner.pk}, follow=True)
    assert response.redirect_chain == [(APPROVALS, 302)]
    assert "The account “practitioner” can now set up two-factor log-in" in (
        response.content.decode()
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TWO_FACTOR, subject="practitioner")
    assert event.actor == personas.admin and "confirmed by an administrator" in event.detail

    # The person reloads the page: the QR code, no e-mail sent.
    assert QR in client.get(SETUP).content.decode()
    assert mailoutbox == []
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device)})
    assert "Your recovery codes" in response.content.decode()
    assert TOTPDevice.objects.get(user=practitioner).confirmed
    # Used: it works once, and the person is no longer waiting.
    assert not TwoFactorApproval.objects.exists()
    assert "practitioner" not in admin.get(APPROVALS).context["people"].values_list(
        "username", flat=True
    )


def test_it_opens_nothing_for_anyone_else_and_expires(client, personas):
    approval = TwoFactorApproval.objects.create(
        user=personas.practitioner_user, approved_by=personas.admin
    )
    log_in(client, "editor")
    assert QR not in client.get(SETUP).content.decode()
    client.post(reverse("admin:logout"))
    log_in(client, "practitioner")
    assert QR in client.get(SETUP).content.decode()
    approval.approved_at = timezone.now() - datetime.timedelta(hours=24, minutes=1)
    approval.save()
    client.post(reverse("admin:logout"))
    log_in(client, "practitioner")
    assert QR not in client.get(SETUP).content.decode()


def test_an_administrator_cannot_confirm_their_own_or_someone_already_set_up(client, personas):
    client.force_login(personas.admin)
    response = client.post(APPROVALS, {"user": personas.admin.pk}, follow=True)
    assert "You cannot confirm your own set-up" in response.content.decode()
    TOTPDevice.objects.create(user=personas.editor, name="Authenticator app", confirmed=True)
    response = client.post(APPROVALS, {"user": personas.editor.pk}, follow=True)
    assert "not waiting to set up" in response.content.decode()
    response = client.post(APPROVALS, {"user": "not a number"}, follow=True)
    assert "not waiting to set up" in response.content.decode()
    assert not TwoFactorApproval.objects.exists()
