"""What every page type shares (Publishable) and the workflow's record (Transition)."""

from html import unescape

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from clinic.lib import markdown, structured_data
from clinic.pages import checks, inline_images
from clinic.pages.publishing import PublishableQuerySet, Status
from clinic.practice.models import Practitioner
from clinic.references import numbering
from clinic.references.models import Reference


def plain_text(html: str) -> str:
    """Stored HTML as one line of plain text, citation markers and footnote marks removed."""
    return " ".join(unescape(strip_tags(markdown.strip_citations(html))).split())


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
    # PostgreSQL a trigger also keeps a weighted tsvector column from it (clinic/site/search.py).
    search_text = models.TextField(blank=True, editable=False)
    # schema.org `citation` items for the JSON-LD, in reference-list order (structured_data.py).
    citations = models.JSONField(default=list, blank=True, editable=False)
    # The one citation order (Vancouver: cited in order of first citation, then the rest), as
    # Reference ids, computed on save; the page, the JSON-LD and the downloads all follow it.
    reference_order = models.JSONField(default=list, blank=True, editable=False)

    # The editorial workflow (pages/workflow.py changes these; the admin shows them read-only).
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
    # The public view that shows one page; previews render through it (clinic/pages/preview.py).
    detail_view = ""

    class Meta:
        abstract = True

    # What render() fills: saved alone once a page's references are attached (pages/admin.py).
    rendered_fields = (
        "body_html",
        "references_html",
        "excerpt",
        "reading_minutes",
        "search_text",
        "citations",
        "reference_order",
    )

    def save(self, *args, render=True, **kwargs):
        """Render, then save. `render=False` writes the row as it is: for a save whose
        references are attached afterwards, which renders once they are (`save_rendered`)."""
        if render:
            self.render()
        super().save(*args, **kwargs)

    def save_rendered(self):
        """Render with the references attached now and store only what rendering fills."""
        self.render()
        super().save(update_fields=self.rendered_fields)

    def markdown_source(self) -> str:
        raise NotImplementedError

    def attached_references(self) -> list[Reference]:
        if self.pk is None:
            return []
        return [link.reference for link in self.reference_links.select_related("reference")]

    def render(self, references=None):
        """Fill the stored HTML: body with numbered citations, then the reference list."""
        if references is None:
            references = self.attached_references()
        source = self.markdown_source()
        rendered = markdown.render(
            source,
            known_keys={ref.key for ref in references},
            images=inline_images.lookup(source),
        )
        entries = numbering.number_references(references, rendered)
        ordered = [entry.reference for entry in entries]
        self.body_html = rendered.html
        self.references_html = numbering.render_entries(entries)
        self.citations = structured_data.citations(ordered)
        self.reference_order = [reference.pk for reference in ordered]
        text = plain_text(rendered.html)
        self.search_text = text
        self.excerpt = Truncator(self.summary or text).words(45, truncate="…")
        self.reading_minutes = checks.reading_minutes(len(text.split()))

    # What a pending revision holds: the text fields an author writes, and the many-to-many
    # fields; the attached references are held too (as reference ids in order).
    pending_fields: tuple[str, ...] = ()
    pending_m2m: tuple[str, ...] = ()

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
        from clinic.references.exporting import EXPORT_FORMATS

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
