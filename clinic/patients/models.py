import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from clinic.patients.fields import EncryptedCharField, EncryptedTextField

# Longest question or comment a patient may send, in characters.
COMMENT_MAX_LENGTH = 2000


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits only, a UK international prefix written the national way: +44 7700 → 07700."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("44") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def lookup_digest(kind: str, value: str) -> str:
    """A keyed hash of a normalised e-mail address or telephone number.

    The encrypted columns cannot be searched (each encryption is different), so a person's rows
    are found for a subject-access or erasure request by this digest. It reveals nothing
    without the SECRET_KEY.
    """
    if not value:
        return ""
    normalise = normalise_email if kind == "email" else normalise_phone
    normalised = normalise(value)
    if not normalised:
        return ""
    return salted_hmac(f"clinic.patients.lookup.{kind}", normalised, algorithm="sha256").hexdigest()


class AppointmentRequest(models.Model):
    """An appointment request or an enquiry sent through /contact/. Health data."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment request"
        ENQUIRY = "enquiry", "Enquiry"

    class Patient(models.TextChoices):
        NEW = "new", "New patient"
        EXISTING = "existing", "Existing patient"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        BOOKED = "booked", "Booked"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.APPOINTMENT)
    # Encrypted at rest: the database, and so every backup, holds only ciphertext.
    name = EncryptedCharField(max_length=120)
    # The library stores an empty value as NULL, hence null=True on the optional ones.
    phone = EncryptedCharField(max_length=40, blank=True, null=True)
    email = EncryptedCharField(max_length=254, blank=True, null=True)
    preferred_times = EncryptedTextField("preferred days and times", blank=True, null=True)
    message = EncryptedTextField("what it is about", blank=True, null=True)
    patient = models.CharField(max_length=20, choices=Patient, default=Patient.NEW)
    consent = models.BooleanField("agreed to be contacted", default=False)
    # Keyed hashes for finding a person's requests (subject access, erasure); see lookup_digest.
    email_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    status = models.CharField(max_length=20, choices=Status, default=Status.NEW, db_index=True)
    notes = EncryptedTextField(
        "internal notes",
        blank=True,
        null=True,
        help_text="For staff only; never sent to the patient.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who is dealing with this request.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When it was booked or closed; it is deleted a set time after this.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "appointment request or enquiry"
        verbose_name_plural = "appointment requests and enquiries"
        permissions = [("export_appointmentrequest", "Can export a person's requests")]

    def __str__(self):
        # Never the name or contact details: this string ends up in admin messages and logs.
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        self.email_digest = lookup_digest("email", self.email or "")
        self.phone_digest = lookup_digest("phone", self.phone or "")
        finished = self.status in {self.Status.BOOKED, self.Status.CLOSED}
        if finished and self.closed_at is None:
            self.closed_at = timezone.now()
        elif not finished:
            self.closed_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "email_digest", "phone_digest", "closed_at"}
        super().save(*args, **kwargs)

    def changes_public_pages(self) -> bool:
        return False  # never shown on a public page


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """The one filter for what patients may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_page(self, page):
        # By the content type's natural key (a join): no separate content-type query.
        return self.filter(
            content_type__app_label=page._meta.app_label,
            content_type__model=page._meta.model_name,
            object_id=page.pk,
        )


class Comment(models.Model):
    """A patient's question or comment on a page, shown only once staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class Source(models.TextChoices):
        SITE = "site", "This site"
        BLOGGER = "blogger", "Imported from Blogger"
        WORDPRESS = "wordpress", "Imported from WordPress"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    author_name = models.CharField("name", max_length=100)
    # Never shown: only for replying privately. Encrypted at rest.
    author_email = EncryptedCharField("e-mail", max_length=254, blank=True, null=True)
    body = models.TextField(
        "question or comment",
        max_length=COMMENT_MAX_LENGTH,
        help_text="Plain text as the patient wrote it; shown escaped, links not clickable.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    answer = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH * 2,
        help_text="A practitioner's reply, published under the question (plain text).",
    )
    answered_by = models.ForeignKey(
        "clinic.Practitioner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Shown with the answer, with their credentials.",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where it came from; imported comments keep their id on the old site so that importing
    # again finds them instead of adding them twice.
    source = models.CharField(max_length=20, choices=Source, default=Source.SITE)
    original_id = models.CharField(max_length=200, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"], name="comment_page"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "original_id"],
                condition=~models.Q(original_id=""),
                name="unique_comment_original_id",
            )
        ]
        permissions = [
            ("moderate_any_comment", "Can moderate questions on every page, not only their own")
        ]
        verbose_name = "patient's question"
        verbose_name_plural = "patients' questions"

    def __str__(self):
        return Truncator(self.body).chars(60)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        comment = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        comment._loaded_status = comment.__dict__.get("status")
        return comment

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    def changes_public_pages(self) -> bool:
        """Whether saving or deleting this comment changes what a public page shows.

        The page cache (clinic/ops/cache.py) asks, so that a new pending question (or a bot's)
        does not throw away every cached page, while approving one does.
        """
        approved = self.Status.APPROVED
        return self.status == approved or getattr(self, "_loaded_status", None) == approved
