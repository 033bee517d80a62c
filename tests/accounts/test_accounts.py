"""Log-in throttling, two-factor log-in, the audit trail and who may read it."""

import datetime
import re
import time
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.security import client_ip
from clinic.models import AuditEvent
from tests.personas import PASSWORD, admin_login_url

LOGIN = reverse("admin:login")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def attempt(client, username, password, ip="203.0.113.5"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def code_for(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


# --- Lock-out --------------------------------------------------------------------------------


def test_five_wrong_passwords_pause_that_user_from_that_address(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = attempt(client, "editor", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Log-in paused" in html and "Try again in 15 minutes" in html
    assert "Access attempts" in html
    # Even the right password is refused during the pause...
    assert attempt(client, "editor", PASSWORD).status_code == 429
    # ...but not for another user at the same address (a shared clinic connection)...
    assert attempt(client, "admin", PASSWORD).status_code == 302
    # ...nor for the same user from another address.
    assert attempt(client.__class__(), "editor", PASSWORD, ip="198.51.100.7").status_code == 302
    assert AuditEvent.objects.filter(kind="locked_out", subject="editor").exists()


def test_the_pause_ends_after_the_cool_off(client, personas, settings):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "editor", "wrong")
        assert attempt(client, "editor", PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))
        assert attempt(client, "editor", PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(seconds=2))
        assert attempt(client, "editor", PASSWORD).status_code == 302


def test_an_administrator_can_lift_the_pause(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "editor", "wrong")
    admin = client.__class__()
    admin.force_login(personas.admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    response = admin.get(changelist)
    assert response.status_code == 200 and "editor" in response.content.decode()
    from axes.models import AccessAttempt

    attempt_row = AccessAttempt.objects.get(username="editor")
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"})
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_editors_cannot_see_or_lift_lockouts(client, personas):
    client.force_login(personas.editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_a_forged_forwarded_for_header_is_ignored_without_a_trusted_proxy(
    client, personas, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert attempt(client, "editor", PASSWORD, ip="203.0.113.5").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "203.0.113.5"),  # no proxy trusted: the header is the client's own words
        (1, "1.2.3.4", "1.2.3.4"),  # one proxy appended the address it saw
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client tried to forge the first entry
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),  # two proxies
        (2, "1.2.3.4", "203.0.113.5"),  # fewer entries than proxies: misconfigured, use the peer
        (1, "not-an-ip", "203.0.113.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_lockout_parameters_are_user_and_address_together(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME  # never a permanent lock


# --- Passwords and sessions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A!", "too short"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("editor@clinic.ex", "too similar"),
    ],
)
def test_weak_passwords_are_refused(client, personas, password, message):
    client.force_login(personas.editor)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


# --- Two-factor log-in -----------------------------------------------------------------------


def login_with_password(client, username="editor"):
    response = attempt(client, username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("admin:index")  # the `next` it was given
    return response


def test_staff_without_a_device_and_not_required_go_straight_in(client, personas):
    login_with_password(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_turning_two_factor_on_then_logging_in_with_a_code(client, personas):
    login_with_password(client)
    # First the e-mailed link (tests/accounts/test_two_factor_recovery.py), then the QR code.
    client.post(SETUP, {"send_link": "1"})
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Scan this code" in html
    device = TOTPDevice.objects.get(user=personas.editor, confirmed=False)
    # A wrong code says so beside the field and turns nothing on.
    response = client.post(SETUP, {"code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.editor, confirmed=True).exists()
    # After a wrong code the app's next code is needed (and a moment's wait).
    later = time.time() + 30
    with time_machine.travel(later, tick=False):
        response = client.post(SETUP, {"code": code_for(device)})
        assert response.status_code == 200 and "recovery codes" in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas.editor, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(kind="two_factor", subject="editor").exists()

    # Next log-in: the password alone opens nothing.
    client.post(reverse("admin:logout"))
    login_with_password(client)
    target = reverse("admin:blog_post_changelist")
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={target}"
    response = client.post(reverse("markdownx_markdownify"), {"content": "x"})
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={reverse('markdownx_markdownify')}"
    response = client.post(VERIFY, {"code": "12ab", "next": target})
    assert "Type the six digits" in response.content.decode()
    with time_machine.travel(later + 30, tick=False):
        response = client.post(VERIFY, {"code": code_for(device), "next": target})
        assert response.status_code == 302 and response.url == target
        assert client.get(target).status_code == 200


def test_verify_brings_back_the_whole_address_with_its_query_string(client, personas):
    device = TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    login_with_password(client)
    target = reverse("admin:blog_post_changelist") + "?status__exact=draft&o=1"
    verify_page = client.get(client.get(target).url)  # as the browser follows the redirect
    next_field = re.search(r'name="next" value="([^"]*)"', verify_page.content.decode())
    response = client.post(VERIFY, {"code": code_for(device), "next": unescape(next_field[1])})
    assert response.status_code == 302 and response.url == target


def test_verify_refuses_an_offsite_next(client, personas):
    device = TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    login_with_password(client)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_wrong_codes_are_throttled(client, personas):
    device = TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    login_with_password(client)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})
    # Even the right code waits until the throttle has passed.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert AuditEvent.objects.filter(kind="login_failed", detail="wrong two-factor code").exists()


def test_require_2fa_sends_publishers_to_set_it_up(client, personas, settings):
    settings.REQUIRE_2FA = True
    login_with_password(client, "editor")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == f"{SETUP}?next={reverse('admin:index')}"
    assert "Your role needs two-factor log-in" in client.get(SETUP).content.decode()
    # Practitioners cannot publish, so for them it stays a choice.
    other = client.__class__()
    login_with_password(other, "practitioner")
    assert other.get(reverse("admin:index")).status_code == 200


def test_require_2fa_cannot_be_turned_off(client, personas, settings):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    login_with_password(client)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.get(SETUP)
    assert "cannot be turned off" in response.content.decode()


def test_two_factor_can_be_turned_off_with_a_code_when_optional(client, personas):
    device = TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    login_with_password(client)
    client.post(VERIFY, {"code": code_for(device)})
    with time_machine.travel(time.time() + 30, tick=False):
        response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.editor).exists()


@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_two_factor_pages_need_a_staff_login(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url == admin_login_url(url)
    client.force_login(personas.visitor)
    response = client.get(url)
    assert response.status_code == 302 and response.url == admin_login_url(url)


# --- Audit trail -----------------------------------------------------------------------------


def test_log_ins_and_failures_are_recorded_with_the_address(client, personas):
    attempt(client, "editor", "wrong", ip="203.0.113.9")
    attempt(client, "editor", PASSWORD, ip="203.0.113.9")
    failed = AuditEvent.objects.get(kind="login_failed")
    assert (failed.subject, failed.ip_address, failed.actor) == ("editor", "203.0.113.9", None)
    login = AuditEvent.objects.get(kind="login")
    assert (login.subject, login.actor) == ("editor", personas.editor)
    assert PASSWORD not in failed.detail


def test_group_permission_and_role_changes_are_recorded_with_who_did_them(client, personas):
    client.force_login(personas.admin)
    editor = personas.editor
    response = client.post(
        reverse("admin:auth_user_change", args=[personas.visitor.pk]),
        {
            "username": "visitor",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="Editors").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role = AuditEvent.objects.get(kind="role", subject="visitor")
    assert "is_staff False → True" in role.detail
    assert role.actor == personas.admin
    groups = AuditEvent.objects.get(kind="groups", subject="visitor")
    assert groups.detail == "added to Editors" and groups.actor == personas.admin

    group = Group.objects.get(name="Practitioners")
    group.permissions.add(Permission.objects.get(codename="publish_post"))
    granted = AuditEvent.objects.get(kind="permissions")
    assert granted.subject == "group Practitioners" and "publish" in granted.detail
    editor.user_permissions.clear()
    editor.groups.remove(Group.objects.get(name="Editors"))
    assert AuditEvent.objects.filter(kind="groups", subject="editor").exists()


def test_only_administrators_read_the_audit_trail_and_nobody_edits_it(client, personas):
    AuditEvent.objects.create(kind="login", subject="editor")
    url = reverse("admin:clinic_auditevent_changelist")
    response = client.get(url)
    assert response.status_code == 302 and response.url == admin_login_url(url)
    client.force_login(personas.visitor)  # logged in, not staff: the same
    response = client.get(url)
    assert response.status_code == 302 and response.url == admin_login_url(url)
    for role in ("practitioner_user", "editor"):
        client.force_login(getattr(personas, role))
        assert client.get(url).status_code == 403
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.first()
    change = client.get(reverse("admin:clinic_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and "Save" not in change.content.decode()
    assert client.get(reverse("admin:clinic_auditevent_add")).status_code == 403
    delete = reverse("admin:clinic_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
