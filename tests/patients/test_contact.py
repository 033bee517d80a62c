"""/contact/: a patient asks for an appointment; bots are answered alike and nothing is stored."""

import logging
import re
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core import mail, serializers
from django.urls import reverse

from clinic.ops.backup import backup
from clinic.patients.models import AppointmentRequest
from tests.patients.helpers import (
    PATIENT_EMAIL,
    PATIENT_MESSAGE,
    PATIENT_NAME,
    PLAINTEXTS,
    contact_data,
    raw_rows,
    stamp,
)

pytestmark = pytest.mark.usefixtures("clinic")
CONTACT = "/contact/"
THANKS = "/contact/thanks/"


@pytest.fixture
def reception(db):
    from tests.personas import ensure_roles, make_user

    ensure_roles()
    return make_user("reception", group="Reception")


def test_the_address_is_the_one_the_readme_gives():
    assert reverse("patients:contact") == CONTACT


def test_the_form_has_a_label_for_every_field_and_hides_the_honeypot(client):
    response = client.get(CONTACT)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ["name", "phone", "email", "preferred_times", "message", "consent"]:
        assert f'for="id_{field}"' in html, field
    assert 'name="kind"' in html and 'name="patient"' in html
    assert re.search(r'<div class="hp" aria-hidden="true">.*name="website"', html, re.S)
    assert 'name="started"' in html
    assert "privacy notice" in html
    assert 'href="tel:01865000000"' in html


def test_a_request_is_stored_encrypted_and_reception_is_told_without_details(
    client, reception, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, contact_data())
    assert response.status_code == 302
    assert response["Location"] == THANKS
    request = AppointmentRequest.objects.get()
    assert request.name == PATIENT_NAME
    assert request.message == PATIENT_MESSAGE
    assert request.status == AppointmentRequest.Status.NEW
    # The database holds ciphertext only.
    for row in raw_rows("patients_appointmentrequest"):
        for plaintext in PLAINTEXTS:
            assert plaintext not in row
    # One e-mail to reception, with the admin link and nothing the patient wrote.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reception.email]
    text = message.subject + message.body
    assert f"/admin/patients/appointmentrequest/{request.pk}/change/" in message.body
    for plaintext in [*PLAINTEXTS, "Tuesday"]:
        assert plaintext not in text


def test_the_thank_you_page_is_clear_and_repeats_nothing(client):
    response = client.post(CONTACT, contact_data(), follow=True)
    html = response.content.decode()
    assert "Thank you: we have your request" in html
    assert PATIENT_NAME not in html


def test_nothing_personal_reaches_the_log(client, reception, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(CONTACT, contact_data())
    client.post(CONTACT, contact_data(website="http://spam.example"))
    assert AppointmentRequest.objects.count() == 1
    logged = caplog.text
    for plaintext in PLAINTEXTS:
        assert plaintext not in logged


def test_a_backup_archive_holds_no_plaintext(client, tmp_path, settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    client.post(CONTACT, contact_data())
    assert AppointmentRequest.objects.count() == 1
    path = tmp_path / "backup.zip"
    backup(path)
    with zipfile.ZipFile(path) as archive:
        data = archive.read("data.json").decode()
    assert '"model": "patients.appointmentrequest"' in data
    for plaintext in PLAINTEXTS:
        assert plaintext not in data
    # Loading the archive (as restore does) gives the patient's details back.
    [restored] = [
        item.object
        for item in serializers.deserialize("json", data)
        if isinstance(item.object, AppointmentRequest)
    ]
    assert restored.name == PATIENT_NAME
    assert restored.message == PATIENT_MESSAGE


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"phone": "", "email": ""}, "phone", "Give a telephone number or an e-mail address"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"phone": "12"}, "phone", "Enter a telephone number"),
        ({"consent": None}, "consent", "Tick this box so that we may contact you."),
        ({"message": "x" * 1001}, "message", "at most 1000 characters"),
    ],
)
def test_mistakes_get_a_message_beside_the_field(client, data, field, message):
    response = client.post(CONTACT, contact_data(**data))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The message is tied to its field for screen readers, and the field is marked invalid.
    assert f'id="id_{field}_error"' in html
    field_tag = re.search(rf'<input[^>]*id="id_{field}"[^>]*>|<textarea[^>]*id="id_{field}"', html)
    assert field_tag and 'aria-invalid="true"' in field_tag.group(0)
    assert f"id_{field}_error" in field_tag.group(0)
    assert 'role="alert"' in html
    assert not AppointmentRequest.objects.exists()
    # What the patient typed is kept (except the field in error) so they need not start again.
    if field != "name":
        assert f'value="{PATIENT_NAME}"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"website": "http://cheap-pills.example"},  # the honeypot
        {"started": "just now"},  # faster than a person
        {"started": "forged"},
        {"started": None},
    ],
    ids=["honeypot", "too-fast", "forged-stamp", "no-stamp"],
)
def test_bots_look_successful_but_nothing_is_stored_or_sent(
    client, reception, data, django_capture_on_commit_callbacks
):
    if data.get("started") == "just now":
        data = {"started": stamp(seconds_ago=0.5)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, contact_data(**data))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert not AppointmentRequest.objects.exists()
    assert mail.outbox == []


def test_one_address_is_limited_to_five_requests_an_hour(client, reception):
    for _ in range(8):
        response = client.post(CONTACT, contact_data())
        assert response["Location"] == THANKS
    assert AppointmentRequest.objects.count() == 5
    other = client.post(CONTACT, contact_data(), REMOTE_ADDR="192.0.2.7")
    assert other["Location"] == THANKS
    assert AppointmentRequest.objects.count() == 6


def test_the_clinic_email_is_used_when_nobody_is_in_reception(
    client, clinic, django_capture_on_commit_callbacks
):
    clinic.email = "desk@clinic.example"
    clinic.save()
    User.objects.filter(groups__name="Reception").delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONTACT, contact_data())
    assert [message.to for message in mail.outbox] == [["desk@clinic.example"]]


def test_the_email_address_is_found_by_its_digest(client):
    client.post(CONTACT, contact_data(email=PATIENT_EMAIL.upper()))
    from clinic.patients.services import requests_for_person

    assert requests_for_person(email=f"  {PATIENT_EMAIL} ").count() == 1
    assert requests_for_person(phone="+44 7700 900123").count() == 1
    assert requests_for_person(email="someone.else@example.org").count() == 0
