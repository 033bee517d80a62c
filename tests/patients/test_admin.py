"""Reception's triage in the admin: who may see requests, the audit trail, subject access."""

import json

import pytest
from django.urls import reverse

from clinic.accounts.models import AuditEvent
from clinic.patients.models import AppointmentRequest
from clinic.patients.services import submit_request
from tests.patients.helpers import PATIENT_EMAIL, PATIENT_NAME, PATIENT_PHONE

pytestmark = pytest.mark.usefixtures("clinic")


def make_request(**extra):
    data = {
        "kind": "appointment",
        "name": PATIENT_NAME,
        "phone": PATIENT_PHONE,
        "email": PATIENT_EMAIL,
        "patient": "new",
        "preferred_times": "",
        "message": "Back pain",
        "consent": True,
    }
    data.update(extra)
    return submit_request(data=data)


@pytest.fixture
def request_row(db):
    return make_request()


def urls(request_row):
    return {
        "list": reverse("admin:patients_appointmentrequest_changelist"),
        "change": reverse("admin:patients_appointmentrequest_change", args=[request_row.pk]),
        "delete": reverse("admin:patients_appointmentrequest_delete", args=[request_row.pk]),
    }


@pytest.mark.parametrize("page", ["list", "change", "delete"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("visitor", 302),
        ("practitioner_user", 403),
        ("editor", 403),
        ("receptionist", 200),
        ("admin", 200),
    ],
)
def test_only_reception_and_administrators_see_requests(
    client, personas, request_row, page, persona, status
):
    url = urls(request_row)[page]
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    if status == 200 and page == "change":
        assert PATIENT_NAME in response.content.decode()


def test_the_list_shows_no_personal_details(client, personas, request_row):
    client.force_login(personas.receptionist)
    html = client.get(urls(request_row)["list"]).content.decode()
    assert f"Appointment request #{request_row.pk}" in html
    assert PATIENT_NAME not in html and PATIENT_EMAIL not in html


def test_reception_cannot_edit_content_or_moderate(client, personas):
    client.force_login(personas.receptionist)
    for name in [
        "admin:blog_post_changelist",
        "admin:conditions_condition_changelist",
        "admin:patients_comment_changelist",
        "admin:clinic_reference_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 403, name


def test_opening_a_request_is_in_the_audit_trail(client, personas, request_row):
    client.force_login(personas.receptionist)
    client.get(urls(request_row)["change"])
    event = AuditEvent.objects.get(kind="patient_data")
    assert event.actor == personas.receptionist
    assert event.subject == f"Appointment request #{request_row.pk}"
    assert event.detail == "viewed"
    assert PATIENT_NAME not in event.subject + event.detail


def test_marking_contacted_records_who_and_the_change(client, personas, request_row):
    client.force_login(personas.receptionist)
    response = client.post(
        urls(request_row)["change"],
        {"status": "contacted", "handled_by": "", "notes": "Left a voicemail"},
    )
    assert response.status_code == 302
    request_row.refresh_from_db()
    assert request_row.status == AppointmentRequest.Status.CONTACTED
    assert request_row.handled_by == personas.receptionist
    assert request_row.notes == "Left a voicemail"
    details = list(AuditEvent.objects.filter(kind="patient_data").values_list("detail", flat=True))
    assert any(d.startswith("changed") and "status now Contacted" in d for d in details)


def test_booked_or_closed_requests_get_a_closing_date(request_row):
    request_row.status = AppointmentRequest.Status.BOOKED
    request_row.save()
    assert request_row.closed_at is not None
    request_row.status = AppointmentRequest.Status.CONTACTED
    request_row.save()
    assert request_row.closed_at is None


def test_subject_access_finds_exports_and_erases_one_persons_requests(client, personas):
    mine = [make_request(), make_request(phone="", email=PATIENT_EMAIL.upper())]
    other = make_request(name="Someone Else", email="else@example.org", phone="01865 111 222")
    client.force_login(personas.receptionist)
    list_url = reverse("admin:patients_appointmentrequest_changelist")

    found = client.get(list_url, {"q": PATIENT_EMAIL})
    assert [row.pk for row in found.context["cl"].result_list] == sorted(
        [r.pk for r in mine], reverse=True
    )

    export = client.post(
        list_url,
        {"action": "export_selected", "_selected_action": [r.pk for r in mine]},
    )
    assert export["Content-Type"].startswith("application/json")
    assert "no-store" in export["Cache-Control"]
    rows = json.loads(export.content)
    assert {row["name"] for row in rows} == {PATIENT_NAME}
    assert {row["message"] for row in rows} == {"Back pain"}

    client.post(list_url, {"action": "erase_selected", "_selected_action": [r.pk for r in mine]})
    assert list(AppointmentRequest.objects.all()) == [other]
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert "searched by e-mail or telephone" in details
    assert f"exported #{mine[0].pk}, #{mine[1].pk}" in details
    assert f"erased #{mine[0].pk}, #{mine[1].pk}" in details


def test_editors_do_not_get_the_export_or_erase_actions_even_by_posting(client, personas):
    row = make_request()
    client.force_login(personas.editor)
    response = client.post(
        reverse("admin:patients_appointmentrequest_changelist"),
        {"action": "erase_selected", "_selected_action": [row.pk]},
    )
    assert response.status_code == 403
    assert AppointmentRequest.objects.filter(pk=row.pk).exists()
