"""A reference: one published source, mapping one-to-one to a CSL-JSON item."""

import contextlib
import datetime

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import Truncator

from clinic.citations import identifiers


class Reference(models.Model):
    """One published source, stored so that it maps one-to-one to a CSL-JSON item."""

    class Type(models.TextChoices):
        ARTICLE = "article-journal", "Journal article"
        REVIEW = "review", "Review"
        BOOK = "book", "Book"
        CHAPTER = "chapter", "Book chapter"
        GUIDELINE = "report", "Guideline or report"
        WEBPAGE = "webpage", "Web page"

    class StudyType(models.TextChoices):
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review / meta-analysis"
        RCT = "rct", "Randomised controlled trial"
        COHORT = "cohort", "Cohort study"
        CASE_SERIES = "case_series", "Case series"
        GUIDELINE = "guideline", "Guideline"
        NARRATIVE_REVIEW = "narrative_review", "Narrative review"
        OTHER = "other", "Other"

    key = models.SlugField(
        max_length=60,
        unique=True,
        blank=True,
        help_text="Cite it in the text as [@key]. Made from the first author and year if empty.",
    )
    type = models.CharField(max_length=20, choices=Type, default=Type.ARTICLE)
    authors = models.JSONField(
        default=list,
        blank=True,
        help_text='In order: [{"family": "Cherkin", "given": "DC"}] or [{"literal": "NICE"}].',
    )
    authors_et_al = models.BooleanField(
        "author list truncated (et al.)",
        default=False,
        help_text="Tick if the source lists only the first authors followed by “et al.”.",
    )
    title = models.TextField(
        blank=True, help_text="Leave empty only if the source has none (an old clinic page)."
    )
    container_title = models.CharField("journal or book", max_length=300, blank=True)
    container_title_short = models.CharField(
        "journal abbreviation", max_length=120, blank=True, help_text="NLM abbreviation."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text="e.g. 858-866.")
    article_number = models.CharField(
        "article number / e-locator", max_length=60, blank=True, help_text="e.g. CD001351."
    )
    publisher = models.CharField(max_length=200, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField(null=True, blank=True, help_text="For web pages.")
    study_type = models.CharField(max_length=20, choices=StudyType, blank=True)
    participants = models.PositiveIntegerField("number of participants", null=True, blank=True)
    notes = models.TextField(blank=True, help_text="For staff; never shown to patients.")
    retracted = models.BooleanField("retracted or superseded", default=False)
    retraction_note = models.TextField(blank=True)
    original_text = models.TextField(blank=True, help_text="The citation as it was pasted.")
    formatted_text = models.TextField(blank=True, editable=False)
    formatted_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Governance (clinic/pages/reference_review.py): who added it (they may delete it while
    # nothing cites it), and a practitioner's change to a reference that live pages cite,
    # waiting for an editor: {"fields": {...}, "by": user id, "saved_at": …}.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    pending = models.JSONField("change waiting for an editor", default=dict, editable=False)

    class Meta:
        ordering = ["key"]
        permissions = [
            (
                "approve_reference_change",
                "Can approve or refuse changes to references cited by published pages",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~models.Q(doi=""), name="unique_reference_doi"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~models.Q(pmid=""), name="unique_reference_pmid"
            ),
        ]
        indexes = [models.Index(Lower("title"), "year", name="reference_title_year")]

    def __str__(self):
        return f"{self.key}: {Truncator(self.title).chars(80)}"

    def save(self, *args, **kwargs):
        from clinic.references import numbering

        if not self.key:
            self.key = numbering.unique_key(self)
        formatted = numbering.format_one(self)
        self.formatted_text, self.formatted_html = formatted.text, formatted.html
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        for name, normalise in [
            ("doi", identifiers.normalise_doi),
            ("pmid", identifiers.normalise_pmid),
            ("pmcid", identifiers.normalise_pmcid),
        ]:
            value = getattr(self, name)
            if value:
                try:
                    setattr(self, name, normalise(value))
                except ValueError as error:
                    errors[name] = str(error)
        # No author (an editorial, a guideline) or no title (an old clinic page) is allowed:
        # warned about (clinic.references.importing.find_doubts), never filled with something
        # invented. A record needs something that says what it is, though.
        if not self.title.strip() and not self.container_title.strip() and not self.url:
            errors["title"] = "Add the title, or at least the journal or book it appeared in."
        for author in self.authors if isinstance(self.authors, list) else [None]:
            if not isinstance(author, dict) or not (author.get("family") or author.get("literal")):
                errors["authors"] = (
                    'Each author needs a family name or a group name, e.g. {"family": "Cherkin",'
                    ' "given": "DC"} or {"literal": "NICE"}.'
                )
                break
        for name, low, high in (("year", 1000, 2100), ("month", 1, 12), ("day", 1, 31)):
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                errors[name] = f"Enter a {name} from {low} to {high}."
        # A null character cannot be stored (PostgreSQL refuses it) and is never meant: it comes
        # from a "\u0000" in a CSL-JSON file or a %00 typed into an address.
        for field in self._meta.concrete_fields:
            if field.name not in errors and _holds_nul(getattr(self, field.attname)):
                errors[field.name] = "This holds a null character, which cannot be stored."
        if errors:
            raise ValidationError(errors)

    def to_csl(self) -> dict:
        item = {"id": self.key, "type": self.type, "title": self.title}
        if self.authors:
            item["author"] = self.authors
        date = [part for part in (self.year, self.month, self.day) if part]
        if self.year:
            item["issued"] = {"date-parts": [date]}
        if self.accessed:
            item["accessed"] = {
                "date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]
            }
        for csl_name, value in [
            ("container-title", self.container_title),
            ("container-title-short", self.container_title_short),
            ("volume", self.volume),
            ("issue", self.issue),
            ("page", self.pages),
            ("number", self.article_number),
            ("publisher", self.publisher),
            ("DOI", self.doi),
            ("PMID", self.pmid),
            ("PMCID", self.pmcid),
            ("URL", self.url),
        ]:
            if value:
                item[csl_name] = value
        if self.authors_et_al:
            item["custom"] = {"et_al": True}
        return item

    @classmethod
    def from_csl(cls, item: dict, **extra) -> "Reference":
        """An unsaved Reference from a CSL-JSON item (import, free-text parsing)."""
        issued = (item.get("issued") or {}).get("date-parts") or [[]]
        parts = [*issued[0], None, None, None][:3]
        accessed = (item.get("accessed") or {}).get("date-parts") or [[]]
        type_ = item.get("type") if item.get("type") in cls.Type.values else cls.Type.ARTICLE
        reference = cls(
            key=item.get("id") if isinstance(item.get("id"), str) else "",
            type=type_,
            authors=item.get("author") or [],
            authors_et_al=bool((item.get("custom") or {}).get("et_al")),
            title=item.get("title") or "",
            container_title=item.get("container-title") or "",
            container_title_short=item.get("container-title-short") or "",
            year=_int_or_none(parts[0]),
            month=_int_or_none(parts[1]),
            day=_int_or_none(parts[2]),
            volume=str(item.get("volume") or ""),
            issue=str(item.get("issue") or ""),
            pages=str(item.get("page") or ""),
            article_number=str(item.get("number") or ""),
            publisher=item.get("publisher") or "",
            doi=item.get("DOI") or "",
            pmid=str(item.get("PMID") or ""),
            pmcid=item.get("PMCID") or "",
            url=item.get("URL") or "",
            **extra,
        )
        if len(accessed[0]) == 3:
            with contextlib.suppress(TypeError, ValueError):
                reference.accessed = datetime.date(*map(int, accessed[0]))
        return reference

    def get_admin_url(self):
        return reverse("admin:clinic_reference_change", args=[self.pk])

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def pmc_url(self):
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""


# History (django-reversion): every change of a reference is kept (pages/reference_review.py).
reversion.register(Reference, exclude=["pending", "formatted_text", "formatted_html"])


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
