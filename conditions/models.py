import reversion
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from clinic.lib.markdown import markdown_length
from clinic.pages.models import Publishable
from clinic.practice.models import Practitioner
from clinic.references.models import Reference

# The sections of a condition page, in the order patients look for them (as NHS pages do).
SECTIONS = [
    ("overview", "Overview"),
    ("symptoms", "Symptoms"),
    ("when_to_seek_help", "When to seek help"),
    ("causes", "Causes"),
    ("diagnosis", "How it is diagnosed"),
    ("treatments", "Treatments"),
    ("evidence", "What the evidence says about acupuncture"),
    ("self_care", "Self-care"),
]


def section_field(label, help_text=""):
    return MarkdownxField(label, blank=True, validators=[markdown_length], help_text=help_text)


class Condition(Publishable):
    name = models.CharField(max_length=120, unique=True)
    author = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditions",
        help_text="Who wrote it; shown on the page, as on articles.",
    )
    introduction = section_field(
        "introduction",
        "Optional: paragraphs before the sections, without a heading of their own.",
    )
    alternative_names = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other names patients use, separated by commas, e.g. “lumbago, lower back ache”.",
    )
    overview = section_field("overview")
    symptoms = section_field("symptoms")
    when_to_seek_help = section_field(
        "when to seek help",
        "Use call-outs for urgency: a line “::: emergency”, “::: soon” or “::: routine”, "
        "the list, then “:::”.",
    )
    causes = section_field("causes")
    diagnosis = section_field("how it is diagnosed")
    treatments = section_field("treatments")
    evidence = section_field("what the evidence says about acupuncture")
    self_care = section_field("self-care")
    references = models.ManyToManyField(
        Reference, through="ConditionReference", blank=True, related_name="conditions"
    )
    # Ids of the newest articles about this page with status "published" (scheduled ones
    # included), newest first, at most ARTICLES_STORED; kept by the page type that links to it
    # (blog/condition_articles.py) whenever one of its articles changes.
    article_ids = models.JSONField(default=list, blank=True, editable=False)

    ARTICLES_STORED = 12
    markdown_fields = ("introduction", *(field for field, _ in SECTIONS))
    pending_fields = ("name", "slug", "alternative_names", "summary", *markdown_fields)
    publish_permission = "conditions.publish_condition"
    detail_view = "conditions.views.ConditionDetailView"
    references_url_name = "conditions:references"

    class Meta:
        ordering = ["name"]
        permissions = [
            ("publish_condition", "Can review, publish, schedule and unpublish condition pages")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # article_ids is written only by its own UPDATE: a save of a page loaded earlier (an
        # editor's form, a script) must not put back its old copy of the list.
        adding = self._state.adding or kwargs.get("force_insert")
        if not adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "article_ids"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("conditions:condition", args=[self.slug])

    def markdown_source(self):
        """All sections as one document, so citations are numbered across the whole page."""
        parts = [self.introduction.strip()] if self.introduction.strip() else []
        for field, label in SECTIONS:
            text = getattr(self, field).strip()
            if text:
                parts.append(f"## {label}\n\n{text}")
        return "\n\n".join(parts)

    @property
    def alternative_name_list(self):
        return [name.strip() for name in self.alternative_names.split(",") if name.strip()]

    @property
    def letter(self):
        return self.name[:1].upper()


class ConditionReference(models.Model):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="reference_links"
    )
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, related_name="condition_links"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "reference"], name="unique_condition_reference"
            )
        ]
        verbose_name = "reference"

    def __str__(self):
        return self.reference.key


# History (django-reversion): every save keeps a version, with the attached references.
reversion.register(ConditionReference)
reversion.register(Condition, follow=["reference_links"], ignore_duplicates=True)
