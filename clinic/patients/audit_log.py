"""Every time staff read, change, export or erase a patient's request, the audit trail says so.

Only the request's number goes into the trail, never the patient's name or details.
"""

from clinic.accounts import audit
from clinic.accounts.models import AuditEvent

PATIENT_DATA = AuditEvent.Kind.PATIENT_DATA


def _subjects(requests):
    return ", ".join(f"#{pk}" for pk in sorted(request.pk for request in requests))


def record_view(request_obj, *, request):
    audit.record(PATIENT_DATA, subject=str(request_obj), detail="viewed", request=request)


def record_change(request_obj, fields, *, request):
    detail = "changed " + ", ".join(sorted(fields))
    if "status" in fields:
        detail += f" (status now {request_obj.get_status_display()})"
    audit.record(PATIENT_DATA, subject=str(request_obj), detail=detail, request=request)


def record_search(request):
    # What was searched for is personal data too: only that a search happened.
    audit.record(
        PATIENT_DATA, subject="requests", detail="searched by e-mail or telephone", request=request
    )


def record_export(requests, *, request):
    _record_many("exported", requests, request)


def record_erasure(requests, *, request):
    _record_many("erased", requests, request)


def _record_many(verb, requests, request):
    subject = f"{len(requests)} request(s)"
    audit.record(
        PATIENT_DATA, subject=subject, detail=f"{verb} {_subjects(requests)}", request=request
    )
