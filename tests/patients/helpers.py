"""Shared by the patients' tests: form data a person would send, and reading raw rows."""

import time

from django.core import signing
from django.db import connection

from clinic.patients import spam

PATIENT_NAME = "Margaret Quill-Hawthorne"
PATIENT_EMAIL = "margaret.quill@example.org"
PATIENT_PHONE = "07700 900123"
PATIENT_MESSAGE = "Sciatica down my left leg since March"
PLAINTEXTS = [PATIENT_NAME, "Quill-Hawthorne", PATIENT_EMAIL, "900123", "Sciatica"]


def stamp(seconds_ago=30):
    """The form's signed time stamp, as if the form had been drawn that long ago."""
    return signing.dumps(time.time() - seconds_ago, salt=spam._SALT, compress=False)


def contact_data(**overrides):
    data = {
        "kind": "appointment",
        "name": PATIENT_NAME,
        "phone": PATIENT_PHONE,
        "email": PATIENT_EMAIL,
        "patient": "new",
        "preferred_times": "Tuesday mornings",
        "message": PATIENT_MESSAGE,
        "consent": "on",
        "website": "",
        "started": stamp(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def raw_rows(table):
    """Every column of every row, as the database holds them (no decryption)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]
