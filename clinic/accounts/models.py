"""The audit trail of log-ins and of changes of rights."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Who logged in, who failed to, and who gained or lost which rights: for administrators.

    Written by clinic/accounts/audit.py from Django's own auth and m2m signals; never edited.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed log-in"
        LOGOUT = "logout", "Logged out"
        LOCKED_OUT = "locked_out", "Locked out after failed log-ins"
        TWO_FACTOR = "two_factor", "Two-factor log-in changed"
        GROUPS = "groups", "Groups changed"
        PERMISSIONS = "permissions", "Permissions changed"
        ROLE = "role", "Staff, superuser or active flag changed"
        PATIENT_DATA = "patient_data", "Patient data viewed or handled"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind, db_index=True)
    # Whoever acted (None for failed log-ins and changes made outside a request).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The account or group concerned, by name: kept even if the account is deleted.
    subject = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit event"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject} at {self.at:%Y-%m-%d %H:%M}"


class TwoFactorApproval(models.Model):
    """An administrator checked who this person is (in person, by phone) and lets them set up
    two-factor log-in without the e-mailed link: once, within APPROVAL_HOURS.

    Written and read by clinic/accounts/two_factor.py; removed when the person turns it on.
    """

    APPROVAL_HOURS = 24

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_approval"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "two-factor set-up confirmed by an administrator"

    def __str__(self):
        return f"{self.user} may set up two-factor log-in (confirmed by {self.approved_by})"

    @property
    def is_current(self) -> bool:
        return timezone.now() - self.approved_at < datetime.timedelta(hours=self.APPROVAL_HOURS)
