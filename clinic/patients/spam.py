"""Keeping bots out of the patients' forms without a captcha or anything from another site.

Three checks, all on the server:
- a honeypot field that people never see or fill in (hidden by CSS, out of the tab order);
- a minimum fill time: the form carries a signed time stamp from when it was drawn, and a
  submission sooner than PATIENT_FORM_MIN_SECONDS after it (or with a forged or stale stamp) is
  a bot's;
- a per-address rate limit (django-ratelimit, shared between servers through the cache).

A bot is answered exactly as a person would be (the thank-you page) and nothing is stored, so
it learns nothing. Only a count goes to the log, never what was sent.
"""

import logging
import time

from django.conf import settings
from django.core import signing
from django_ratelimit.core import is_ratelimited

from clinic.accounts.security import client_ip

logger = logging.getLogger("clinic.patients.spam")

HONEYPOT = "website"
STARTED = "started"
_SALT = "clinic.patients.form-started"
# A stamp older than this is refused too: pages are cached for minutes, not days.
MAX_FORM_AGE = 2 * 24 * 3600


def form_stamp() -> str:
    return signing.dumps(time.time(), salt=_SALT, compress=False)


def seconds_since(stamp: str) -> float | None:
    try:
        started = signing.loads(stamp, salt=_SALT, max_age=MAX_FORM_AGE)
    except (signing.BadSignature, TypeError):
        return None
    try:
        return time.time() - float(started)
    except (TypeError, ValueError):
        return None


def _address(group, request):
    return client_ip(request) or "unknown"


def bot_reason(request, group: str) -> str:
    """Why this POST looks like a bot's ("" if it does not). Counts towards the rate limit."""
    limited = is_ratelimited(
        request,
        group=f"patients.{group}",
        key=_address,
        rate=settings.PATIENT_FORM_RATE,
        method="POST",
        increment=True,
    )
    reason = ""
    if request.POST.get(HONEYPOT):
        reason = "honeypot"
    else:
        elapsed = seconds_since(request.POST.get(STARTED, ""))
        if elapsed is None:
            reason = "bad time stamp"
        elif elapsed < settings.PATIENT_FORM_MIN_SECONDS:
            reason = "too fast"
        elif limited:
            reason = "rate limit"
    if reason:
        logger.info("patients form %s refused: %s", group, reason)
    return reason
