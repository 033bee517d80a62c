"""delete_old_requests (retention, from cron) and rotate_patient_data_key."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clinic.patients.models import AppointmentRequest, Comment
from tests import factories
from tests.patients.helpers import raw_rows


def make(status, closed_days_ago=None):
    request = AppointmentRequest.objects.create(name="Ann Example", phone="01865 111111")
    request.status = status
    request.save()
    if closed_days_ago is not None:
        AppointmentRequest.objects.filter(pk=request.pk).update(
            closed_at=timezone.now() - datetime.timedelta(days=closed_days_ago)
        )
    return request


def test_requests_closed_longer_ago_than_the_retention_are_deleted(db, settings):
    settings.PATIENT_REQUEST_RETENTION_DAYS = 90
    old_closed = make("closed", closed_days_ago=91)
    old_booked = make("booked", closed_days_ago=200)
    recent = make("closed", closed_days_ago=89)
    still_open = make("contacted")
    AppointmentRequest.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    out = io.StringIO()
    call_command("delete_old_requests", stdout=out)
    assert "Deleted 2 request(s) closed and 0 question(s) rejected more than 90 days ago." in (
        out.getvalue()
    )
    assert set(AppointmentRequest.objects.all()) == {recent, still_open}
    assert not AppointmentRequest.objects.filter(pk__in=[old_closed.pk, old_booked.pk]).exists()


def test_rejected_and_spam_questions_are_deleted_too_but_not_published_ones(db, settings):
    settings.PATIENT_REQUEST_RETENTION_DAYS = 90
    post = factories.PostFactory()
    long_ago = timezone.now() - datetime.timedelta(days=91)
    kept = {}
    for status in ["rejected", "spam", "approved", "pending"]:
        comment = Comment.objects.create(page=post, author_name="A", body=status, status=status)
        Comment.objects.filter(pk=comment.pk).update(moderated_at=long_ago)
        kept[status] = comment
    recent = Comment.objects.create(
        page=post, author_name="B", body="x", status="spam", moderated_at=timezone.now()
    )
    out = io.StringIO()
    call_command("delete_old_requests", stdout=out)
    assert "0 request(s) closed and 2 question(s) rejected" in out.getvalue()
    assert set(Comment.objects.all()) == {kept["approved"], kept["pending"], recent}


def test_days_can_be_given_for_one_run(db):
    make("closed", closed_days_ago=10)
    call_command("delete_old_requests", days=7, stdout=io.StringIO())
    assert not AppointmentRequest.objects.exists()


def test_rotation_re_encrypts_every_row_with_the_new_key(db, settings):
    request = make("new")
    comment = Comment.objects.create(
        page=factories.PostFactory(), author_name="Jo", author_email="jo@example.org", body="Hi"
    )
    before = raw_rows("patients_appointmentrequest")
    old = settings.SALT_KEY
    settings.SALT_KEY = ["a-new-patient-data-key", *old]
    _forget_keys()
    try:
        call_command("rotate_patient_data_key", stdout=io.StringIO())
        assert raw_rows("patients_appointmentrequest") != before
        # Readable with the new key alone: the old one can go.
        settings.SALT_KEY = ["a-new-patient-data-key"]
        _forget_keys()
        assert AppointmentRequest.objects.get(pk=request.pk).name == "Ann Example"
        assert Comment.objects.get(pk=comment.pk).author_email == "jo@example.org"
    finally:
        settings.SALT_KEY = old
        _forget_keys()


def test_rotation_stops_when_a_row_cannot_be_read(db, settings):
    make("new")
    old = settings.SALT_KEY
    settings.SALT_KEY = ["a-key-that-never-encrypted-anything"]
    _forget_keys()
    try:
        with pytest.raises(CommandError, match="cannot be read with the configured keys"):
            call_command("rotate_patient_data_key", stdout=io.StringIO())
    finally:
        settings.SALT_KEY = old
        _forget_keys()
    assert AppointmentRequest.objects.get().name == "Ann Example"


def _forget_keys():
    """The library derives its keys once per field; make it read the settings again."""
    for model in (AppointmentRequest, Comment):
        for field in model._meta.fields:
            for name in ("keys", "f"):
                field.__dict__.pop(name, None)
