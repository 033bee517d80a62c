"""Two-factor enrolment confirmed by e-mail, and single-use recovery codes."""

import re
import time

import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD

LOGIN = reverse("admin:login")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")
QR = 'class="qr-code"'


def log_in(client, username="editor"):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def code_for(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


def enrol_link_from_mail():
    (message,) = [m for m in mail.outbox if m.subject == "Set up two-factor log-in"]
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_a_password_alone_cannot_enrol_an_authenticator(client, personas):
    """Someone who knows the editor's password gets no QR code: only a link by e-mail."""
    log_in(client)
    html = client.get(SETUP).content.decode()
    assert QR not in html and "E-mail me the link" in html
    assert not TOTPDevice.objects.filter(user=personas.editor).exists()
    # Posting a code without the link turns nothing on.
    client.post(SETUP, {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=personas.editor).exists()
    # A forged or someone else's link opens nothing.
    assert QR not in client.get(f"{SETUP}?confirm=1:abc:forged").content.decode()


def test_the_emailed_link_opens_the_qr_code_and_expires(client, personas):
    log_in(client)
    response = client.post(SETUP, {"send_link": "1"})
    assert "We have sent a link" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["editor@clinic.example"]
    link = enrol_link_from_mail()
    with time_machine.travel(time.time() + 31 * 60, tick=False):
        assert QR not in client.get(path_of(link)).content.decode()
    html = client.get(path_of(link), follow=True).content.decode()
    assert QR in html and "Scan this code" in html


def test_a_link_for_one_person_does_not_enrol_another(client, personas):
    log_in(client, "practitioner")
    client.post(SETUP, {"send_link": "1"})
    link = enrol_link_from_mail()
    client.post(reverse("admin:logout"))
    log_in(client, "editor")
    assert QR not in client.get(path_of(link), follow=True).content.decode()


def test_recovery_codes_are_made_at_enrolment_and_work_once(client, personas):
    log_in(client)
    client.post(SETUP, {"send_link": "1"})
    client.get(path_of(enrol_link_from_mail()))
    device = TOTPDevice.objects.get(user=personas.editor, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device)})
    html = response.content.decode()
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "shown only now" in html

    # Phone lost: log in with a recovery code instead.
    client.post(reverse("admin:logout"))
    log_in(client)
    target = reverse("admin:index")
    assert client.get(target).url.startswith(VERIFY)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": target})
    assert response.status_code == 302 and response.url == target
    assert client.get(target).status_code == 200
    # The same code never works again.
    client.post(reverse("admin:logout"))
    log_in(client)
    response = client.post(VERIFY, {"code": codes[0], "next": target})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert StaticDevice.objects.get(user=personas.editor).token_set.count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, personas):
    log_in(client)
    client.post(SETUP, {"send_link": "1"})
    client.get(path_of(enrol_link_from_mail()))
    device = TOTPDevice.objects.get(user=personas.editor, confirmed=False)
    now = time.time()
    with time_machine.travel(now, tick=False):
        old = re.findall(
            r"<code>([a-z2-7]{8})</code>",
            client.post(SETUP, {"code": code_for(device)}).content.decode(),
        )
    with time_machine.travel(now + 30, tick=False):
        response = client.post(SETUP, {"code": code_for(device, now + 30), "new_codes": "1"})
    new = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "earlier codes no longer work" in response.content.decode()
    tokens = set(
        StaticDevice.objects.get(user=personas.editor).token_set.values_list("token", flat=True)
    )
    assert tokens == set(new)
