"""The clinic itself: its settings (one row) and its practitioners."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from clinic.lib import markdown
from clinic.lib.markdown import markdown_length


class ClinicSettings(models.Model):
    """The clinic's own details, one row, edited in the admin."""

    class CitationStyle(models.TextChoices):
        VANCOUVER = "vancouver", "Vancouver (NLM, Citing Medicine)"
        AMA = "ama", "AMA (American Medical Association)"

    name = models.CharField(max_length=120, default="Riverside Medical Acupuncture")
    tagline = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True, help_text="Shown on the contact page, one line each.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    opening_hours = models.TextField(blank=True, help_text="One line per day or range of days.")
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

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        self.about_html = markdown.render_html(self.about)
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


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
    def qualification_list(self):
        return [line.strip() for line in self.qualifications.splitlines() if line.strip()]
