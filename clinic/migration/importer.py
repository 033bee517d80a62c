"""Plan and run the import of a Blogger or WordPress export.

``plan(path, options)`` reads the whole file (a fault stops it with the line, before anything is
written) and says, item by item, what the import would do: the new address, author, tags,
references found and how many the library already has, images to fetch, problems. Nothing is
written. ``run(path, options, by=…)`` then reads the file again and writes each item in its own
transaction, calling ``progress(done, total)`` as it goes; it returns the report.

A second import is safe. Each item's ``ImportedItem`` row keeps a digest of the item as exported
and a digest of the page as the import wrote it: an unchanged item is skipped without a write, a
changed one updates its page, unless the page was edited here since (its digest differs), in
which case the page is left alone and the report says so.
"""

import datetime
import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from blog import page_html, related, search_window
from blog.models import Post, Tag
from clinic.citations.identifiers import normalise_title
from clinic.citations.style import format_references
from clinic.lib import changes
from clinic.migration import convert, readers
from clinic.migration.models import ImportedItem, ImportRun, Redirect
from clinic.pages import workflow
from clinic.pages.publishing import Status
from clinic.practice.models import ClinicSettings, Practitioner
from clinic.references import numbering as reference_service
from clinic.references.models import Reference
from conditions.models import SECTIONS, Condition

logger = logging.getLogger(__name__)

# Where a page of the old site goes.
CONDITION, ABOUT, SKIP = "condition", "about", "skip"
PAGE_DESTINATIONS = {CONDITION: "Condition page", ABOUT: "About page", SKIP: "Skip it"}
# What to do with a page that matches one already here.
MERGE, NEW = "merge", "new"
EXISTING_CHOICES = {
    MERGE: "Merge into the existing page (both texts kept; a live page waits for review)",
    NEW: "Create a new page beside it",
}
# Old pages that are not conditions: about, contact and the site's own small print.
ABOUT_TITLES = re.compile(r"\b(about|who we are|our (clinic|practice|team)|meet)\b", re.I)
NOT_CONTENT_TITLES = re.compile(
    r"\b(contact|privacy|cookies?|terms|disclaimer|links|archive|sitemap|search|fees|prices?|"
    r"book(ing)?|appointments?|thank you|404)\b",
    re.I,
)
HONORIFICS = re.compile(r"^(dr|prof|professor|mr|mrs|ms|miss|mx)\.?\s+", re.I)


@dataclass
class Options:
    as_drafts: bool = False
    # Credit every post and page to this practitioner (by name; created if none matches).
    author: str = ""
    # The export's author key → a practitioner's id, or 0 for "create a minimal profile".
    authors: dict[str, int] = field(default_factory=dict)
    # A page's original id → condition / about / skip.
    pages: dict[str, str] = field(default_factory=dict)
    # A page's original id → merge / new, when it matches a page already here.
    existing: dict[str, str] = field(default_factory=dict)
    fetch_images: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> "Options":
        return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Row:
    """One item of the preview (and of the report)."""

    kind: str
    original_id: str
    title: str
    status: str
    action: str = ""
    new_url: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)
    references: int = 0
    matched: int = 0
    images: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    destination: str = ""
    match: str = ""
    old_paths: list[str] = field(default_factory=list)
    comments: int = 0


@dataclass
class Plan:
    format: str
    format_name: str
    source: str
    title: str
    counts: dict = field(default_factory=dict)
    authors: list[dict] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    total: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


# The library of references, held in memory for matching -----------------------------------------


class Library:
    """Every reference's DOI, PMID and normalised title + year, to match parsed ones quickly."""

    def __init__(self):
        self.by_doi, self.by_pmid, self.by_title = {}, {}, {}
        for pk, doi, pmid, title, year in Reference.objects.values_list(
            "pk", "doi", "pmid", "title", "year"
        ):
            self._add(pk, doi, pmid, title, year)
        self.keys = set(Reference.objects.values_list("key", flat=True))

    def _add(self, pk, doi, pmid, title, year):
        if doi:
            self.by_doi.setdefault(doi.lower(), pk)
        if pmid:
            self.by_pmid.setdefault(pmid, pk)
        normal = normalise_title(title or "")
        if normal:
            self.by_title.setdefault((normal, year), pk)

    def match(self, reference: Reference) -> int | None:
        return (
            (reference.doi and self.by_doi.get(reference.doi.lower()))
            or (reference.pmid and self.by_pmid.get(reference.pmid))
            or self.by_title.get((normalise_title(reference.title or ""), reference.year))
        )

    def added(self, reference: Reference) -> None:
        self._add(reference.pk, reference.doi, reference.pmid, reference.title, reference.year)
        self.keys.add(reference.key)

    def save_new(self, references: list[Reference]) -> None:
        """Key, format and save new references in one go (the library's keys are all in
        memory, so no key costs a query; the style is read once)."""
        if not references:
            return
        for reference in references:
            reference.key = unique_key(reference, self.keys)
            self.keys.add(reference.key)
        formatted = format_references([ref.to_csl() for ref in references], self.style)
        for reference, result in zip(references, formatted, strict=True):
            reference.formatted_text, reference.formatted_html = result.text, result.html
        Reference.objects.bulk_create(references)
        for reference in references:
            self._add(reference.pk, reference.doi, reference.pmid, reference.title, reference.year)

    @cached_property
    def style(self) -> str:
        return ClinicSettings.load().citation_style


def unique_key(reference: Reference, taken: set[str]) -> str:
    """The library's key rule (clinic.references.unique_key) against keys held in memory."""
    return reference_service.unique_key(reference, also_taken=taken, ask_database=False)


def read_reference(text: str) -> tuple[Reference | None, str]:
    """An unsaved Reference parsed from free text, or None and why not."""
    csl = convert.parse_line(text)
    reference = Reference.from_csl(csl, original_text=text[:5000])
    reference.key = ""
    try:
        reference.full_clean(exclude=["key"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return None, "; ".join(error.messages)
    return reference, ""


# Shared reading of one post or page ------------------------------------------------------------


@dataclass
class Prepared:
    item: readers.Item
    converted: convert.Converted
    references: list[tuple[Reference | None, str, int | None]]  # (parsed, problem, library id)


def prepare(item: readers.Item, export: readers.Export, library: Library) -> Prepared:
    converted = convert.convert(item.html, wordpress=export.format == readers.WORDPRESS)
    parsed = []
    for text in converted.references:
        reference, problem = read_reference(text)
        parsed.append((reference, problem, library.match(reference) if reference else None))
    return Prepared(item, converted, parsed)


def source_digest(item: readers.Item, options: Options, extra: str = "") -> str:
    data = [
        item.title,
        item.html,
        item.status,
        item.published.isoformat() if item.published else "",
        sorted(item.labels),
        item.author_key,
        item.slug,
        options.as_drafts,
        options.author,
        extra,
    ]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def page_digest(page, reference_ids=None, tag_ids=None) -> str:
    """What a person here can change on a page: if this moves, the page was edited here.

    ``reference_ids`` and ``tag_ids`` may be given when the caller has just written them."""
    if isinstance(page, ClinicSettings):
        data = [page.about]
    else:
        if reference_ids is None:
            reference_ids = list(page.reference_links.values_list("reference_id", flat=True))
        data = [
            str(page),
            page.slug,
            page.markdown_source(),
            page.status,
            page.published_at.astimezone(datetime.UTC).isoformat() if page.published_at else "",
            page.pending.get("fields") if page.pending else None,
            list(reference_ids),
        ]
        if isinstance(page, Post):
            if tag_ids is None:
                tag_ids = page.tags.values_list("pk", flat=True)
            data += [page.author_id, sorted(tag_ids)]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def slug_from(item: readers.Item) -> str:
    if item.slug:
        return slugify(item.slug)[:100]
    for path in item.old_paths:
        name = path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        name = re.sub(r"\.html?$", "", name)
        if name and not name.isdigit():
            return slugify(name)[:100]
    return slugify(item.title)[:100] or "imported"


def normal_name(name: str) -> str:
    return " ".join(HONORIFICS.sub("", name.strip()).lower().split())


class Context:
    """Everything a plan or a run looks up once: existing pages, people, tags, past imports."""

    def __init__(self, export: readers.Export, options: Options):
        self.export, self.options = export, options
        self.library = Library()
        self.practitioners = {normal_name(p.name): p for p in Practitioner.objects.all()}
        self.conditions = {}
        for condition in Condition.objects.all():
            for name in [condition.name, condition.slug, *condition.alternative_name_list]:
                self.conditions.setdefault(normal_name(name.replace("-", " ")), condition)
        self.imported = {
            row.original_id: row for row in ImportedItem.objects.filter(source=export.source)
        }

    @cached_property
    def chosen_practitioners(self) -> dict[int, Practitioner]:
        """The practitioners chosen in the preview, by id (one query for the whole run)."""
        return Practitioner.objects.in_bulk([int(pk) for pk in self.options.authors.values() if pk])

    @cached_property
    def redirects(self) -> dict[str, str]:
        return dict(Redirect.objects.values_list("old_path", "new_path"))

    @cached_property
    def post_titles(self) -> dict[str, str]:
        """Existing articles by lower-case title → address (for the preview's warning)."""
        return {
            title.lower(): reverse("blog:post", args=[slug])
            for title, slug in Post.objects.values_list("title", "slug")
        }

    def author_name(self, key: str) -> str:
        author = self.export.authors.get(key)
        return author.name if author else key

    def practitioner_for(self, key: str) -> Practitioner | None:
        """The practitioner chosen in the preview, matched by name, or None (to create)."""
        if self.options.author:
            return self.practitioners.get(normal_name(self.options.author))
        chosen = self.options.authors.get(key)
        if chosen:
            return self.chosen_practitioners.get(int(chosen))
        return self.practitioners.get(normal_name(self.author_name(key)))

    def matching_condition(self, title: str) -> Condition | None:
        return self.conditions.get(normal_name(title))

    def destination(self, item: readers.Item) -> str:
        chosen = self.options.pages.get(item.original_id)
        if chosen in PAGE_DESTINATIONS:
            return chosen
        if self.matching_condition(item.title):
            return CONDITION
        if ABOUT_TITLES.search(item.title):
            return ABOUT
        if NOT_CONTENT_TITLES.search(item.title) or not item.title.strip():
            return SKIP
        return CONDITION


# Plan ------------------------------------------------------------------------------------------


def plan(path, options: Options | None = None) -> Plan:
    """Read the whole file and say what an import would do. Raises readers.ExportError."""
    options = options or Options()
    export, items = readers.read_export(path)
    context = Context(export, options)
    counts = Counter()
    rows = []
    for item in items:
        counts[f"{item.kind}s"] += 1
        if item.kind == readers.COMMENT:
            _count_comment(item, counts)
            continue
        row = _plan_item(item, context)
        rows.append(row)
        if item.author_key and item.author_key not in export.authors:
            export.authors[item.author_key] = readers.Author(item.author_key, item.author_key)
        counts[row.action] += 1
        for comment in item.comments:
            counts["comments"] += 1
            _count_comment(comment, counts)
        row.comments = sum(1 for c in item.comments if c.status == readers.LIVE)
    return Plan(
        format=export.format,
        format_name=export.format_name,
        source=export.source,
        title=export.title,
        counts=dict(counts),
        authors=[
            {
                "key": author.key,
                "name": author.name,
                "practitioner": getattr(context.practitioner_for(author.key), "pk", None),
            }
            for author in _authors(export, rows)
        ],
        rows=rows,
        total=sum(1 for r in rows) + counts.get("comments to import", 0),
    )


def _authors(export, rows):
    used = {row.author for row in rows}
    seen = {}
    for key, author in export.authors.items():
        if author.name in used or key in used:
            seen[key] = author
    return list(seen.values())


def _count_comment(item, counts):
    if item.status == readers.LIVE:
        counts["comments to import"] += 1
    elif item.status in (readers.PENDING, readers.SPAM):
        counts["comments not published (pending or spam)"] += 1
    else:
        counts["comments skipped (deleted)"] += 1


def _plan_item(item: readers.Item, context: Context) -> Row:
    row = Row(
        kind=item.kind,
        original_id=item.original_id,
        title=item.title or "(no title)",
        status=item.status,
        author=item.author_key,
        tags=list(dict.fromkeys(item.labels)) if item.kind == readers.POST else [],
        old_paths=item.old_paths,
    )
    if item.status == readers.DELETED:
        row.action = "skip (deleted on the old site)"
        return row
    if item.kind == readers.PAGE:
        row.destination = context.destination(item)
        if row.destination == SKIP:
            row.action = "skip"
            return row
    previous = context.imported.get(item.original_id)
    if previous is not None and previous.source_digest == source_digest(item, context.options):
        # Imported before and unchanged since: nothing to convert, nothing will be written.
        row.action = "unchanged"
        redirected = [context.redirects.get(path) for path in item.old_paths]
        row.new_url = next((url for url in redirected if url), "") or _new_url(
            item, row, previous, context
        )
        return row
    prepared = prepare(item, context.export, context.library)
    row.references = len(prepared.references)
    row.matched = sum(1 for _, _, pk in prepared.references if pk)
    row.images = prepared.converted.images
    row.problems = list(prepared.converted.problems)
    row.problems += [
        f"Reference {n}: {p}" for n, (_, p, _) in enumerate(prepared.references, 1) if p
    ]
    keys = [f"ref{n}" for n in range(1, len(prepared.references) + 1)]
    convert.cite(prepared.converted, keys)
    if not prepared.converted.citations_certain:
        row.problems.append(
            "The numbered markers could not all be matched to the reference list with "
            "certainty: the references are attached uncited and the page is flagged "
            "“check citations”."
        )
    if not item.title.strip():
        row.problems.append("It has no title; one is made from its first words.")
    previous = context.imported.get(item.original_id)
    row.action = _action(item, previous, context)
    same_title = context.post_titles.get(item.title.lower()) if item.kind == readers.POST else None
    if same_title and previous is None:
        row.problems.append(
            f"An article with this title is already here ({same_title}); the import adds a "
            "second one beside it."
        )
    row.new_url = _new_url(item, row, previous, context)
    if item.kind == readers.PAGE and row.destination == CONDITION:
        existing = context.matching_condition(item.title)
        if existing and not previous:
            row.match = existing.name
            if context.options.existing.get(item.original_id, MERGE) == MERGE:
                row.action = "merge"
    return row


def _action(item, previous, context) -> str:
    if previous is None:
        return "create"
    if previous.source_digest == source_digest(item, context.options):
        return "unchanged"
    target = previous.target
    if target is None:
        return "left alone (deleted here since the last import)"
    if previous.written_digest and page_digest(target) != previous.written_digest:
        return "left alone (edited here since the last import)"
    return "update"


def _new_url(item, row, previous, context) -> str:
    if previous is not None and previous.target is not None:
        target = previous.target
        return (
            reverse("clinic:about")
            if isinstance(target, ClinicSettings)
            else (target.get_absolute_url())
        )
    if item.kind == readers.POST:
        return reverse("blog:post", args=[slug_from(item)])
    if row.destination == ABOUT:
        return reverse("clinic:about")
    existing = context.matching_condition(item.title)
    if existing and context.options.existing.get(item.original_id, MERGE) == MERGE:
        return existing.get_absolute_url()
    return reverse("conditions:condition", args=[slug_from(item)])


# Run -------------------------------------------------------------------------------------------


def run(
    path,
    options: Options | None = None,
    *,
    by=None,
    run_record: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> dict:
    """Write the export's items, each in its own transaction. Returns the report."""
    from clinic.migration import comments as comment_import
    from clinic.migration import images as image_import

    options = options or Options()
    export, items = readers.read_export(path)
    writer = Writer(Context(export, options), by=by, run_record=run_record)
    writer.progress, writer.total = progress, total
    fetcher = image_import.Fetcher() if options.fetch_images else None
    comments = []
    # Each article's related list, stored HTML and search's window are worked out once, when
    # every item is written, instead of on each of its saves (blog.related, blog.page_html,
    # blog.search_window).
    with page_html.deferred(), search_window.updated_once():
        with related.refreshed_once():
            for item in items:
                if item.kind == readers.COMMENT:
                    comments.append(item)
                    continue
                writer.write(item, fetcher)
                writer.done_one()
                comments.extend(item.comments)
        for comment in comments:
            if comment.status != readers.LIVE:
                writer.counts[f"comment: not published ({comment.status})"] += 1
        comment_import.write_all([c for c in comments if c.status == readers.LIVE], writer)
    _label_and_feed_redirects(export, writer)
    writer.save_redirects()
    return {
        "counts": dict(writer.counts),
        "rows": writer.rows,
        "images_failed": fetcher.failed if fetcher else [],
        "check_citations": writer.flagged,
    }


class Writer:
    def __init__(self, context: Context, *, by=None, run_record=None):
        self.context = context
        self.options = context.options
        self.by = by
        self.run_record = run_record
        self.counts = Counter()
        self.rows = []
        self.flagged = []
        self.tags = {tag.slug: tag for tag in Tag.objects.all()}
        self.targets = {}  # original id → page written in this run, for comments
        self.redirects = dict(Redirect.objects.values_list("old_path", "new_path"))
        self.new_redirects = []  # written together, by save_redirects()
        self.written = {}  # page → (reference ids, tag ids) as just written, for its digest
        self.months = set()
        self.labels = set()
        self.progress, self.total, self.done = None, 0, 0

    def done_one(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    # One item -------------------------------------------------------------------------------

    def write(self, item: readers.Item, fetcher) -> None:
        kind = item.kind
        if item.status == readers.DELETED:
            self.counts[f"{kind}: skipped (deleted)"] += 1
            return
        destination = self.context.destination(item) if kind == readers.PAGE else ""
        if destination == SKIP:
            self.counts["page: skipped"] += 1
            return
        previous = self.context.imported.get(item.original_id)
        action = _action(item, previous, self.context)
        if action not in ("create", "update"):
            self.counts[f"{kind}: {action}"] += 1
            if kind == readers.POST and item.published and item.status == readers.LIVE:
                self.months.add((item.published.year, item.published.month))
                self.labels.update(item.labels)
            return
        try:
            # One item, one transaction, and one move of the page cache's generation after it.
            with changes.one_change(), transaction.atomic():
                if kind == readers.POST:
                    page, flagged, notes = self._write_post(item, previous, fetcher)
                elif destination == ABOUT:
                    page, flagged, notes = self._write_about(item, previous, fetcher)
                else:
                    page, flagged, notes = self._write_condition(item, previous, fetcher)
                self._record(item, previous, page, flagged, notes)
                self.save_redirects()
        except (ValidationError, IntegrityError, ValueError) as error:
            for redirect in self.new_redirects:  # rolled back with the item
                self.redirects.pop(redirect.old_path, None)
            self.new_redirects = []
            logger.warning("Could not import %s", item.original_id, exc_info=True)
            message = "; ".join(getattr(error, "messages", [str(error)]))
            self.counts[f"{kind}: failed"] += 1
            self.rows.append({"title": item.title, "action": "failed", "problem": message})
            return
        self.targets[item.original_id] = page
        self.counts[f"{kind}: {'created' if action == 'create' else 'updated'}"] += 1
        self.rows.append(
            {"title": item.title, "action": action, "url": _url_of(page), "flagged": flagged}
        )
        if flagged:
            self.flagged.append({"title": item.title, "url": _url_of(page)})

    def _record(self, item, previous, page, flagged, notes) -> None:
        values = {
            "kind": item.kind,
            "title": item.title[:300],
            "content_type": ContentType.objects.get_for_model(page),
            "object_id": page.pk,
            "source_digest": source_digest(item, self.options),
            "written_digest": page_digest(page, *self.written.pop(page, (None, None))),
            "old_url": item.old_url[:500],
            "check_citations": flagged,
            "notes": notes,
            "run": self.run_record,
        }
        if previous is None:
            ImportedItem.objects.create(
                source=self.context.export.source, original_id=item.original_id, **values
            )
        else:
            for name, value in values.items():
                setattr(previous, name, value)
            previous.save()
        for old_path in item.old_paths:
            self.redirect(old_path, _url_of(page))
        number = re.search(r"\.post-(\d+)$", item.original_id)
        if number and self.context.export.format == readers.BLOGGER and item.old_paths:
            # The post's own comment feed on Blogger: the comments are on the page here.
            self.redirect(f"/feeds/{number.group(1)}/comments/default", _url_of(page))
        if item.kind == readers.POST and item.published and item.status == readers.LIVE:
            self.months.add((item.published.year, item.published.month))
            self.labels.update(item.labels)

    def target(self, original_id: str):
        """The page an item became, in this run or an earlier one (None if none)."""
        if original_id in self.targets:
            return self.targets[original_id]
        if not hasattr(self, "_earlier"):
            self._earlier = {}
            by_type = {}
            for row in self.context.imported.values():
                if row.content_type_id and row.kind != ImportedItem.Kind.COMMENT:
                    by_type.setdefault(row.content_type_id, {})[row.object_id] = row.original_id
            for type_id, ids in by_type.items():
                model = ContentType.objects.get_for_id(type_id).model_class()
                for pk, page in model.objects.in_bulk(list(ids)).items():
                    self._earlier[ids[pk]] = page
        return self._earlier.get(original_id)

    def redirect(self, old_path: str, new_path: str) -> None:
        old_path = old_path[:500]
        if not old_path or old_path == new_path or self.redirects.get(old_path) == new_path:
            return
        if old_path in self.redirects:
            Redirect.objects.filter(old_path=old_path).update(new_path=new_path)
        else:
            self.new_redirects.append(
                Redirect(old_path=old_path, new_path=new_path, source=self.context.export.source)
            )
        self.redirects[old_path] = new_path

    def save_redirects(self) -> None:
        Redirect.objects.bulk_create(self.new_redirects)
        self.new_redirects = []

    # Text and references ----------------------------------------------------------------------

    def _text(self, item, fetcher):
        """(Markdown with citations, references in list order, flagged?, notes)."""
        prepared = prepare(item, self.context.export, self.context.library)
        notes = list(prepared.converted.problems)
        known = Reference.objects.in_bulk([pk for _, _, pk in prepared.references if pk])
        references, new = [], []
        for number, (reference, problem, library_id) in enumerate(prepared.references, 1):
            if reference is None:
                notes.append(f"Reference {number} could not be read: {problem}")
            elif library_id:
                references.append(known[library_id])
            else:
                # The same source twice in one list is one reference.
                match = self.context.library.match(reference) if new else None
                if match is None:
                    new.append(reference)
                    references.append(reference)
        self.context.library.save_new(new)
        converted = prepared.converted
        if len(references) != len(prepared.references):
            # A reference could not be read: the numbers no longer line up with certainty.
            convert.cite(converted, [])
            converted.citations_certain = not convert.find_markers(converted.markdown)
        else:
            convert.cite(converted, [ref.key for ref in references])
        markdown = converted.markdown
        if fetcher is not None:
            markdown, failed = fetcher.replace(markdown, converted.images, self.context.export)
            notes += [f"Image not fetched: {url} ({why})" for url, why in failed]
        flagged = bool(references) and not converted.citations_certain
        if references and not converted.markers and converted.citations_certain:
            # References, but no markers at all: attached uncited; a person should check.
            flagged = True
        return markdown, references, flagged, notes

    def _status(self, item) -> tuple[str, object]:
        if item.status == readers.LIVE and not self.options.as_drafts:
            return Status.PUBLISHED, item.published or timezone.now()
        return Status.DRAFT, item.published

    def _practitioner(self, key: str) -> Practitioner:
        practitioner = self.context.practitioner_for(key)
        if practitioner is not None:
            return practitioner
        name = self.options.author or self.context.author_name(key) or "Unknown author"
        name = HONORIFICS.sub("", name).strip() or name
        practitioner = Practitioner.objects.create(
            name=name[:120], slug=_unique_slug(Practitioner, slugify(name)[:100] or "author")
        )
        self.context.practitioners[normal_name(name)] = practitioner
        self.counts["practitioner profiles created (to complete)"] += 1
        return practitioner

    def _tags(self, labels) -> list[Tag]:
        tags = []
        for label in dict.fromkeys(label.strip() for label in labels if label.strip()):
            slug = slugify(label)[:60] or "tag"
            tag = self.tags.get(slug)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=label).first() or Tag.objects.create(
                    name=label[:60], slug=slug
                )
                self.tags[slug] = tag
            tags.append(tag)
        return tags

    def _attach(self, page, references, *, created: bool) -> list[int]:
        """Link the references to the page in list order; their ids as linked."""
        link_model = page.reference_links.model
        owner = page.reference_links.field.name
        wanted = list(dict.fromkeys(ref.pk for ref in references))
        if not created:
            current = list(page.reference_links.values_list("reference_id", flat=True))
            if current == wanted:
                return wanted
            page.reference_links.all().delete()
        link_model.objects.bulk_create(
            link_model(**{owner: page}, reference_id=pk, order=order)
            for order, pk in enumerate(wanted)
        )
        return wanted

    # Posts ------------------------------------------------------------------------------------

    def _write_post(self, item, previous, fetcher):
        markdown, references, flagged, notes = self._text(item, fetcher)
        status, published_at = self._status(item)
        post = previous.target if previous is not None and previous.target else None
        if post is None:
            post = Post(slug=_unique_slug(Post, slug_from(item)), created_by=self.by)
        post.title = (item.title or _title_from(markdown))[:200]
        post.author = self._practitioner(item.author_key)
        post.body = markdown
        post.status, post.published_at = status, published_at
        post.full_clean(exclude=["hero_image", "slug"], validate_unique=False)
        # Rendered once, with the references it is about to have attached, then saved.
        post.render(references=_linked(references))
        created = post.pk is None
        post.save(render=False)
        tags = self._tags(item.labels)
        post.tags.set(tags)
        reference_ids = self._attach(post, references, created=created)
        self.written[post] = (reference_ids, [tag.pk for tag in tags])
        return post, flagged, notes

    # Pages ------------------------------------------------------------------------------------

    def _write_condition(self, item, previous, fetcher):
        markdown, references, flagged, notes = self._text(item, fetcher)
        sections = split_sections(markdown)
        existing = previous.target if previous is not None and previous.target else None
        if existing is None:
            match = self.context.matching_condition(item.title)
            if match and self.options.existing.get(item.original_id, MERGE) == MERGE:
                merge_into(match, sections, references, by=self.by)
                notes.append(f"Merged into the existing page “{match.name}”.")
                return match, flagged, notes
        status, published_at = self._status(item)
        condition = existing
        if condition is None:
            name = item.title.strip() or _title_from(markdown)
            if Condition.objects.filter(name__iexact=name).exists():
                name = f"{name} (imported)"
            condition = Condition(
                name=name[:120],
                slug=_unique_slug(Condition, slug_from(item)),
                created_by=self.by,
            )
        for section, _label in SECTIONS:
            setattr(condition, section, sections.get(section, ""))
        condition.status, condition.published_at = status, published_at
        condition.full_clean(validate_unique=False, exclude=["slug"])
        condition.render(references=_linked(references))
        created = condition.pk is None
        condition.save(render=False)
        reference_ids = self._attach(condition, references, created=created)
        self.written[condition] = (reference_ids, None)
        return condition, flagged, notes

    def _write_about(self, item, previous, fetcher):
        markdown, references, _flagged, notes = self._text(item, fetcher)
        if references:
            markdown += "\n\n## References\n\n" + "\n".join(
                f"{n}. {ref.formatted_text or ref.title}" for n, ref in enumerate(references, 1)
            )
        clinic = ClinicSettings.load()
        imported = markdown.strip()
        if previous is not None and previous.target is not None:
            clinic.about = imported
        elif imported not in clinic.about:
            clinic.about = f"{clinic.about.strip()}\n\n{imported}".strip()
        clinic.save()
        return clinic, False, notes


def split_sections(markdown: str) -> dict[str, str]:
    """A page's Markdown cut into condition-page sections at headings named like them;
    everything else goes into the overview."""
    names = {label.lower(): name for name, label in SECTIONS}
    names |= {name.replace("_", " "): name for name, _ in SECTIONS}
    names |= {
        "signs and symptoms": "symptoms",
        "treatment": "treatments",
        "the evidence": "evidence",
        "evidence": "evidence",
        "research": "evidence",
        "self care": "self_care",
        "self-help": "self_care",
        "diagnosis": "diagnosis",
        "what causes it": "causes",
        "when to see a doctor": "when_to_seek_help",
    }
    sections: dict[str, list[str]] = {}
    current = "overview"
    for line in markdown.split("\n"):
        match = re.match(r"^#{1,3}\s+(.+?)\s*#*$", line)
        if match and match.group(1).strip().lower().rstrip(":") in names:
            current = names[match.group(1).strip().lower().rstrip(":")]
            continue
        sections.setdefault(current, []).append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def merge_into(condition: Condition, sections: dict, references: list, *, by) -> None:
    """Both texts kept: the imported sections follow the page's own, the references are added.

    A live page is not changed: the merged text waits as a pending revision for an editor (on
    top of any revision already waiting, which is kept). A page that is not live is changed
    directly, as its author may change it.
    """
    waiting = (condition.pending or {}).get("fields", {})
    values = {}
    for name, _label in SECTIONS:
        own = (waiting.get(name, getattr(condition, name)) or "").strip()
        imported = sections.get(name, "").strip()
        values[name] = own if not imported or imported in own else f"{own}\n\n{imported}".strip()
    ids = (condition.pending or {}).get("references") or list(
        condition.reference_links.values_list("reference_id", flat=True)
    )
    ids = [*ids, *(ref.pk for ref in references if ref.pk not in ids)]
    if condition.status != Status.PUBLISHED:
        workflow.apply_content(condition, fields=values, m2m={}, references=ids)
        return
    fields = {
        name: waiting.get(name, getattr(condition, name)) for name in condition.pending_fields
    }
    fields.update(values)
    condition.pending = {
        "fields": fields,
        "m2m": (condition.pending or {}).get("m2m", {}),
        "references": ids,
        "by": getattr(by, "pk", None),
        "saved_at": timezone.now().isoformat(),
        "submitted_at": timezone.now().isoformat(),
    }
    condition.submitted_at = timezone.now()
    condition.save(update_fields=["pending", "submitted_at", "updated_at"])


def _label_and_feed_redirects(export, writer) -> None:
    """Label, archive and feed addresses of the old site go to their pages here."""
    blogger = export.format == readers.BLOGGER
    for label in writer.labels:
        slug = slugify(label)[:60]
        if not slug or (slug not in writer.tags and not Tag.objects.filter(slug=slug).exists()):
            continue
        target = reverse("blog:tag", args=[slug])
        if blogger:
            writer.redirect(f"/search/label/{label}", target)
            writer.redirect(
                f"/feeds/posts/default/-/{label}", reverse("feeds:tag_atom", args=[slug])
            )
        else:
            writer.redirect(f"/category/{slug}/", target)
            writer.redirect(f"/tag/{slug}/", target)
    for year, month in writer.months:
        if blogger:
            writer.redirect(f"/{year}/", reverse("blog:archive_year", args=[str(year)]))
        writer.redirect(
            f"/{year}/{month:02d}/", reverse("blog:archive_month", args=[str(year), f"{month:02d}"])
        )
    feeds = reverse("feeds:posts_atom"), reverse("feeds:posts")
    if blogger:
        for old, new in [
            ("/feeds/posts/default", feeds[0]),
            ("/feeds/posts/summary", feeds[0]),
            ("/atom.xml", feeds[0]),
            ("/rss.xml", feeds[1]),
        ]:
            writer.redirect(old, new)


def _linked(references: list[Reference]) -> list[Reference]:
    """The references as _attach links them: in list order, each once."""
    return list({reference.pk: reference for reference in references}.values())


def _url_of(page) -> str:
    return reverse("clinic:about") if isinstance(page, ClinicSettings) else page.get_absolute_url()


def _title_from(markdown: str) -> str:
    words = strip_tags(markdown).split()[:8]
    return " ".join(words) or "Untitled"


def _unique_slug(model, base: str) -> str:
    base = base[:100] or "imported"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
