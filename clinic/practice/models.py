"""The clinic itself: its settings (one row) and its practitioners."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.http import urlencode
from markdownx.models import MarkdownxField

from clinic.lib import markdown
from clinic.lib.markdown import markdown_length
from clinic.lib.prepared import Prepared
from clinic.practice import registers


class ClinicSettings(models.Model):
    """The clinic's own details, one row, edited in the admin."""

    class CitationStyle(models.TextChoices):
        VANCOUVER = "vancouver", "Vancouver (NLM, Citing Medicine)"
        AMA = "ama", "AMA (American Medical Association)"

    name = models.CharField(max_length=120, default="Riverside Medical Acupuncture")
    tagline = models.CharField(max_length=200, blank=True)
    # The address as schema.org's PostalAddress has it; shown on /contact/ and in the footer.
    street_address = models.CharField(
        max_length=200, blank=True, help_text="Building and street, e.g. “12 Mill Lane”."
    )
    locality = models.CharField("town or city", max_length=120, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(
        max_length=2, default="GB", help_text="Two-letter country code (GB for the UK)."
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="For the directions link and search engines, e.g. 51.752021.",
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text="e.g. -1.257726."
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    booking_url = models.URLField(
        "online booking address",
        blank=True,
        help_text="If you use an online diary elsewhere, its address: offered beside the form.",
    )
    directions = models.TextField(
        "getting here", blank=True, help_text="By bus, train, on foot: a few lines."
    )
    parking = models.TextField(blank=True)
    step_free_access = models.TextField(
        blank=True, help_text="Steps, ramps, lifts, doors, accessible toilet."
    )
    medical_specialty = models.CharField(
        max_length=40,
        default="Musculoskeletal",
        blank=True,
        help_text="For search engines: a schema.org MedicalSpecialty, e.g. Musculoskeletal, "
        "PrimaryCare. Several separated by commas.",
    )
    disclaimer = models.TextField(
        blank=True,
        help_text="Shown under every article and condition page, e.g. “For information only…”.",
    )
    about = MarkdownxField(
        blank=True, validators=[markdown_length], help_text="The About page, in Markdown."
    )
    about_html = models.TextField(blank=True, editable=False)
    citation_style = models.CharField(
        max_length=20,
        choices=CitationStyle,
        default=CitationStyle.VANCOUVER,
        help_text="How reference lists are formatted on every page.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=36, help_text="How long a medical review stays current before the next is due."
    )
    # The clinic as schema.org MedicalClinic JSON-LD (home and contact pages), made on save from
    # these settings, the opening hours, the holidays and the practitioners (their admins save
    # the settings again: clinic.practice.info.refresh_structured_data).
    structured_data = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from clinic.practice.info import clinic_structured_data

        self.pk = 1
        self.about_html = markdown.render_html(self.about)
        self.structured_data = clinic_structured_data(self)
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        # Read on every page rendered without a cache: its SQL is compiled once per process
        # (clinic/lib/prepared.py), the row made the first time it is missing.
        rows = _settings_row.raw()
        if rows:
            return rows[0]
        try:
            with transaction.atomic():
                return cls.objects.create(pk=1)
        except IntegrityError:  # made meanwhile by another request
            return cls.objects.get(pk=1)

    # What the site's header and footer show of the settings (templates/base.html).
    SKELETON_FIELDS = ("name", "street_address", "locality", "postcode", "phone", "email")

    @classmethod
    def details(cls, fields=SKELETON_FIELDS):
        """These fields of the settings row as one JSON value, for a page's own query to read
        with its row (blog/views.py): one query fewer than load()."""
        row = cls.objects.filter(pk=1).values(details=JSONObject(**{name: name for name in fields}))
        return models.Subquery(row[:1], output_field=models.JSONField())

    @classmethod
    def from_details(cls, details, using=None):
        """The settings as read by details(); any other field is loaded when first used (one
        query). None (no row yet): load(), which makes it."""
        if details is None:
            return cls.load()
        if isinstance(details, str):
            details = json.loads(details)
        details = {**details, "id": 1}
        present = [field for field in cls._meta.concrete_fields if field.attname in details]
        return cls.from_db(
            using, [field.attname for field in present], [details[f.attname] for f in present]
        )

    @property
    def address(self) -> str:
        """The address, one part per line."""
        last = " ".join(part for part in [self.locality, self.postcode] if part)
        return "\n".join(part for part in [self.street_address, last] if part)

    @property
    def directions_url(self) -> str:
        """OpenStreetMap's directions to the clinic: a plain link, nothing embedded."""
        if self.latitude is not None and self.longitude is not None:
            destination = f"{self.latitude},{self.longitude}"
        elif self.address:
            destination = ", ".join(self.address.splitlines())
        else:
            return ""
        return "https://www.openstreetmap.org/directions?" + urlencode({"to": destination})


class Practitioner(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
        help_text="The log-in this practitioner uses to write in the admin.",
    )
    honorific = models.CharField(max_length=20, blank=True, help_text="For example “Dr”.")
    name = models.CharField(max_length=120, help_text="Full name, e.g. “Sarah Thompson”.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The end of the profile address."
    )
    post_nominals = models.CharField(
        max_length=120, blank=True, help_text="Letters after the name, e.g. “MBChB MRCGP”."
    )
    job_title = models.CharField(max_length=120, blank=True)
    qualifications = models.TextField(blank=True, help_text="One qualification per line.")
    registration_body = models.CharField(
        max_length=120, blank=True, help_text="e.g. “General Medical Council”."
    )
    registration_number = models.CharField(max_length=40, blank=True)
    short_bio = models.TextField(
        max_length=400, blank=True, help_text="Two or three sentences shown under articles."
    )
    bio = MarkdownxField(blank=True, validators=[markdown_length], help_text="Full profile.")
    bio_html = models.TextField(blank=True, editable=False)
    photo = models.ImageField(upload_to="practitioners/", blank=True)
    photo_alt = models.CharField(max_length=200, blank=True, help_text="Describe the photo.")
    # Resized copies made on upload (clinic.lib.images.StoredImage.as_dict()).
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.bio_html = markdown.render_html(self.bio)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clinic:practitioner", args=[self.slug])

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": "Describe the image for patients who cannot see it."}
            )

    @property
    def display_name(self):
        return f"{self.honorific} {self.name}".strip()

    @property
    def credentials(self):
        return f"{self.display_name} {self.post_nominals}".strip()

    @property
    def register_url(self) -> str:
        """The regulator's public register for this registration ("" if the body is unknown)."""
        return registers.register_url(self.registration_body, self.registration_number)

    @property
    def qualification_list(self):
        return [line.strip() for line in self.qualifications.splitlines() if line.strip()]


class OpeningHours(models.Model):
    """One opening period on a day of the week (two rows for a day with a lunch break)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    opens = models.TimeField(help_text="e.g. 09:00")
    closes = models.TimeField(help_text="e.g. 17:30")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.opens == self.closes:
            raise ValidationError({"closes": "Closing time must differ from opening time."})


class OpeningException(models.Model):
    """A dated change to the weekly hours: a bank holiday, a closure, a late opening."""

    date = models.DateField(unique=True)
    closed = models.BooleanField(default=True, help_text="Closed all day.")
    opens = models.TimeField(null=True, blank=True, help_text="If open, from…")
    closes = models.TimeField(null=True, blank=True, help_text="…until.")
    reason = models.CharField(max_length=120, blank=True, help_text="e.g. “Christmas Day”.")

    class Meta:
        ordering = ["date"]
        verbose_name = "holiday or change of hours"
        verbose_name_plural = "holidays and changes of hours"

    def __str__(self):
        return f"{self.date:%d %b %Y}: {'closed' if self.closed else 'changed hours'}"

    def clean(self):
        if not self.closed and not (self.opens and self.closes):
            raise ValidationError(
                {"opens": "Give the opening and closing times, or tick “Closed all day”."}
            )


class PracticePage(models.Model):
    """A page every clinic must publish, each at its own address and linked in the footer."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", "Privacy notice"
        ACCESSIBILITY = "accessibility", "Accessibility statement"
        COMPLAINTS = "complaints", "Complaints procedure"
        FEES = "fees", "Fees"

    kind = models.CharField(max_length=20, choices=Kind, unique=True)
    title = models.CharField(max_length=120)
    body = MarkdownxField(validators=[markdown_length], help_text="In Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "practice page"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = markdown.render_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:  # update_or_create names only the fields it was given
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"practice:{self.kind}")


_settings_row = Prepared(lambda: ClinicSettings.objects.filter(pk=1))
