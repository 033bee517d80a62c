import contextlib
import datetime
from html import unescape

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdownx.models import MarkdownxField

from clinic import markdown, structured_data
from clinic.citations import identifiers
from clinic.publishing import PublishableQuerySet, Status

# Length and complexity limits of every Markdown field (clinic.markdown.check_length).
markdown_length = markdown.MarkdownValidator()


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
    # Resized copies made on upload (clinic.images.StoredImage.as_dict()).
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
    # Governance (clinic/reference_changes.py): who added it (they may delete it while nothing
    # cites it), and a practitioner's change to a reference that live pages cite, waiting for
    # an editor: {"fields": {...}, "by": user id, "saved_at": …}.
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
        from clinic import references

        if not self.key:
            self.key = references.unique_key(self)
        formatted = references.format_one(self)
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
        # warned about (clinic.importing.find_doubts), never filled with something invented.
        # A record needs something that says what it is, though.
        if not self.title.strip() and not self.container_title.strip() and not self.url:
            errors["title"] = "Add the title, or at least the journal or book it appeared in."
        for author in self.authors if isinstance(self.authors, list) else [None]:
            if not isinstance(author, dict) or not (author.get("family") or author.get("literal")):
                errors["authors"] = (
                    'Each author needs a family name or a group name, e.g. {"family": "Cherkin",'
                    ' "given": "DC"} or {"literal": "NICE"}.'
                )
                break
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


# History (django-reversion): every change of a reference is kept (clinic/reference_changes.py).
reversion.register(Reference, exclude=["pending", "formatted_text", "formatted_html"])


def plain_text(html: str) -> str:
    """Stored HTML as one line of plain text, citation markers and footnote marks removed."""
    return " ".join(unescape(strip_tags(markdown.strip_citations(html))).split())


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class Publishable(models.Model):
    """What posts and condition pages share: status, dates, Markdown rendered on save."""

    slug = models.SlugField(
        max_length=120, unique=True, help_text="The end of the page address; keep it short."
    )
    summary = models.TextField(
        max_length=400,
        blank=True,
        help_text="One or two sentences shown in lists and search results. "
        "Left empty, the start of the text is used.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Visible to patients from this date and time, once published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    body_html = models.TextField(blank=True, editable=False)
    references_html = models.TextField(blank=True, editable=False)
    excerpt = models.TextField(blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # The body as plain text, without citation markers: what search matches and quotes. On
    # PostgreSQL a trigger also keeps a weighted tsvector column from it (clinic/search.py).
    search_text = models.TextField(blank=True, editable=False)
    # schema.org `citation` items for the JSON-LD, in reference-list order (structured_data.py).
    citations = models.JSONField(default=list, blank=True, editable=False)

    # The editorial workflow (clinic/workflow.py changes these; the admin shows them read-only).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who started this page; they may edit it while it is a draft.",
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last went for review."
    )
    pending = models.JSONField(
        "pending revision",
        default=dict,
        blank=True,
        editable=False,
        help_text="Changes to a live page that wait for review; the live page is unchanged.",
    )
    preview_token = models.CharField(max_length=40, blank=True, editable=False)
    preview_expires = models.DateTimeField(null=True, blank=True, editable=False)

    # Medical review: changed only by the "mark as reviewed" action, never by an ordinary edit.
    medically_reviewed_by = models.ForeignKey(
        Practitioner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_reviewed = models.DateField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False, db_index=True)

    objects = PublishableQuerySet.as_manager()

    # The Markdown fields whose citations must be attached (checked by the admin).
    markdown_fields = ("body",)
    # The URL name of the page's reference downloads (".ris", ".bib", ".json").
    references_url_name = ""
    # The permission that lets someone publish, schedule, unpublish and review this kind of page.
    publish_permission = ""
    # The public view that shows one page; previews render through it (clinic/preview.py).
    detail_view = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def markdown_source(self) -> str:
        raise NotImplementedError

    def attached_references(self) -> list[Reference]:
        if self.pk is None:
            return []
        return [link.reference for link in self.reference_links.select_related("reference")]

    def render(self, references=None):
        """Fill the stored HTML: body with numbered citations, then the reference list."""
        from clinic.references import render_reference_list

        if references is None:
            references = self.attached_references()
        rendered = markdown.render(
            self.markdown_source(), known_keys={ref.key for ref in references}
        )
        self.body_html = rendered.html
        self.references_html = render_reference_list(references, rendered)
        self.citations = structured_data.citations(references, rendered.citation_keys)
        text = plain_text(rendered.html)
        self.search_text = text
        self.excerpt = Truncator(self.summary or text).words(45, truncate="…")
        self.reading_minutes = max(1, round(len(text.split()) / 200))

    # What a pending revision holds: the text fields an author writes, and the many-to-many
    # fields; the attached references are held too (as reference ids in order).
    pending_fields: tuple[str, ...] = ()
    pending_m2m: tuple[str, ...] = ()

    @property
    def has_pending(self):
        return bool(self.pending)

    @property
    def is_scheduled(self):
        from django.utils import timezone

        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def reference_downloads(self) -> list[tuple[str, str]]:
        """(label, URL) of each file a reader can download the page's references as."""
        from clinic.exporting import EXPORT_FORMATS

        return [
            (spec.label, reverse(self.references_url_name, args=[self.slug, fmt]))
            for fmt, spec in EXPORT_FORMATS.items()
        ]

    @property
    def is_public(self):
        from django.utils import timezone

        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class Transition(models.Model):
    """One step of the editorial workflow: who moved which page from where to where, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        SUBMIT_CHANGES = "submit_changes", "Submitted changes to the live page"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        PUBLISH = "publish", "Approved and published"
        SCHEDULE = "schedule", "Approved and scheduled"
        APPROVE_CHANGES = "approve_changes", "Approved changes to the live page"
        UNPUBLISH = "unpublish", "Unpublished"
        MARK_REVIEWED = "mark_reviewed", "Medically reviewed, no changes needed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=30, choices=Action)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="transition_page")]

    def __str__(self):
        return f"{self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """Who logged in, who failed to, and who gained or lost which rights: for administrators.

    Written by clinic/audit.py from Django's own auth and m2m signals; never edited.
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
