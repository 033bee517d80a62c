"""What the contact page and the structured data say about the practice: hours, open now."""

import datetime

from django.utils import timezone

from clinic.lib import structured_data
from clinic.practice import hours
from clinic.practice.models import ClinicSettings, OpeningException, OpeningHours, Practitioner

# Dated exceptions listed ahead on the contact page.
EXCEPTIONS_AHEAD_DAYS = 60


def opening(now=None):
    """(weekly rows, {date: exception} from yesterday on) in two queries."""
    now = timezone.localtime(now or timezone.now())
    weekly = list(OpeningHours.objects.all())
    exceptions = {
        row.date: row
        for row in OpeningException.objects.filter(
            date__gte=now.date() - datetime.timedelta(days=1),
            date__lte=now.date() + datetime.timedelta(days=hours.HORIZON_DAYS + 60),
        )
    }
    return weekly, exceptions


def panel(now=None) -> dict:
    """Context for practice/panel.html: the table, open now, the holidays ahead."""
    now = timezone.localtime(now or timezone.now())
    weekly, exceptions = opening(now)
    ahead = now.date() + datetime.timedelta(days=EXCEPTIONS_AHEAD_DAYS)
    return {
        "hours": hours.table(weekly) if weekly else [],
        "state": hours.state(weekly, exceptions, now) if weekly else None,
        "exceptions": [
            row for day, row in sorted(exceptions.items()) if now.date() <= day <= ahead
        ],
    }


def clinic_structured_data(clinic) -> dict:
    """The MedicalClinic JSON-LD of the home and contact pages (clinic.lib.structured_data)."""
    today = timezone.localdate()
    weekly = list(OpeningHours.objects.all())
    exceptions = {
        row.date: row
        for row in OpeningException.objects.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=366)
        )
    }
    return structured_data.medical_clinic(
        clinic,
        opening_hours=hours.specification(weekly, exceptions),
        practitioners=Practitioner.objects.all(),
    )


def with_open_state(response, context):
    """Keep a page that shows "Open now" in the page cache no longer than that stays true."""
    state = context.get("state")
    if state is not None:
        response.page_cache_until = state.next_change or (
            timezone.now() + datetime.timedelta(hours=1)
        )
    return response


def refresh_structured_data():
    """Save the clinic's settings again so that their JSON-LD shows a change to the hours,
    the holidays or the practitioners."""
    ClinicSettings.load().save()
