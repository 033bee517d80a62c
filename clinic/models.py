"""The models of the `clinic` app, defined in its sub-packages (one table each, app label
`clinic`); importing them here is what registers them with Django."""

from clinic.accounts.models import AuditEvent, TwoFactorApproval
from clinic.pages.autosave import Autosave
from clinic.pages.inline_images import InlineImage
from clinic.pages.models import Publishable, Transition
from clinic.practice.models import (
    ClinicSettings,
    OpeningException,
    OpeningHours,
    PracticePage,
    Practitioner,
)
from clinic.references.models import Reference

__all__ = [
    "AuditEvent",
    "Autosave",
    "ClinicSettings",
    "InlineImage",
    "OpeningException",
    "OpeningHours",
    "PracticePage",
    "Practitioner",
    "Publishable",
    "Reference",
    "Transition",
    "TwoFactorApproval",
]
