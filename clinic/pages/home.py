"""
The admin's home page for each writer: their drafts, what is in review, what came back with a
note, what is scheduled and what is due for medical review. Editors see the review queue and the
reviews that are due first.

The lists ask the same questions as the workflow (clinic/workflow.py): what a person may see is
what the page's admin shows them (`get_queryset`), and a state is the page's status.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clinic.pages import registry, workflow
from clinic.pages.models import Transition
from clinic.pages.publishing import Status

PER_SECTION = 10
DUE_WITHIN_DAYS = 30


@dataclass
class Item:
    page: object
    kind: str
    url: str
    when: datetime.datetime | datetime.date | None = None
    label: str = ""  # e.g. "submitted 5 Dec 2026 10:42"
    note: str = ""
    note_by: str = ""


@dataclass
class Section:
    key: str
    title: str
    empty: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""


def _url(page) -> str:
    meta = page._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[page.pk])


def _page_admins(request):
    for model in registry.page_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is not None and model_admin.has_view_or_change_permission(request):
            yield model, model_admin


def sections(request) -> list[Section]:
    """The writer's home, in the order they should look at it."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    editor = False
    queue = Section("queue", "Waiting for your review", "Nothing is waiting for review.")
    due = Section(
        "due", "Due for medical review", "No page is due for medical review in the next 30 days."
    )
    drafts = Section("drafts", "Your drafts", "No drafts.")
    in_review = Section("in_review", "Your pages in review", "None of your pages is in review.")
    changes = Section(
        "changes", "Changes requested", "No page of yours is waiting for your changes."
    )
    scheduled = Section("scheduled", "Scheduled", "Nothing is scheduled.")

    for model, model_admin in _page_admins(request):
        kind = str(model._meta.verbose_name)
        publisher = workflow.can_publish(user, model)
        editor = editor or publisher
        visible = model_admin.get_queryset(request)
        mine = Q(created_by=user)
        if any(f.name == "author" for f in model._meta.fields):
            mine |= Q(author__user=user)
        own = visible.filter(mine)
        waiting = Q(status=Status.IN_REVIEW) | Q(
            status=Status.PUBLISHED, submitted_at__isnull=False
        )
        if publisher:
            for page in visible.filter(waiting).order_by("submitted_at")[:PER_SECTION]:
                queue.items.append(Item(page, kind, _url(page), page.submitted_at))
            reviewable = visible
        else:
            reviewable = own
        for page in (
            reviewable.exclude(status=Status.UNPUBLISHED)
            .filter(next_review_due__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
            .order_by("next_review_due")[:PER_SECTION]
        ):
            due.items.append(Item(page, kind, _url(page), page.next_review_due))
        for page in own.filter(status=Status.DRAFT).order_by("-updated_at")[:PER_SECTION]:
            drafts.items.append(Item(page, kind, _url(page), page.updated_at))
        for page in own.filter(waiting).order_by("-submitted_at")[:PER_SECTION]:
            in_review.items.append(Item(page, kind, _url(page), page.submitted_at))
        sent_back = list(
            own.filter(status=Status.CHANGES_REQUESTED).order_by("-updated_at")[:PER_SECTION]
        )
        notes = _latest_notes(model, sent_back)
        for page in sent_back:
            note = notes.get(page.pk)
            changes.items.append(
                Item(
                    page,
                    kind,
                    _url(page),
                    when=note.at if note else page.updated_at,
                    note=note.note if note else "",
                    note_by=str(note.by) if note and note.by else "",
                )
            )
        scheduled_pages = (visible if publisher else own).filter(
            status=Status.PUBLISHED, published_at__gt=now
        )
        for page in scheduled_pages.order_by("published_at")[:PER_SECTION]:
            scheduled.items.append(Item(page, kind, _url(page), page.published_at))

    for section in (queue, due, drafts, in_review, changes, scheduled):
        section.items.sort(key=lambda item: _sort_key(section.key, item))
        for item in section.items:
            item.label = _label(section.key, item.when, today)
    if editor:
        queue.more_url = reverse("review_queue")
        due.more_url = reverse("review_dates")
        return [queue, due, changes, drafts, in_review, scheduled]
    return [changes, drafts, in_review, scheduled, due]


def _label(key, when, today) -> str:
    if when is None:
        return ""
    if isinstance(when, datetime.datetime):
        text = date_format(timezone.localtime(when), "j M Y H:i")
    else:
        text = date_format(when, "j M Y")
    if key == "due":
        return f"overdue since {text}" if when < today else f"due {text}"
    prefix = {
        "queue": "submitted",
        "in_review": "submitted",
        "scheduled": "goes live",
        "drafts": "last saved",
        "changes": "sent back",
    }[key]
    return f"{prefix} {text}"


def _sort_key(key, item):
    when = item.when
    if when is None:
        return 0.0
    if isinstance(when, datetime.datetime):
        stamp = when.timestamp()
    else:
        stamp = datetime.datetime.combine(when, datetime.time()).timestamp()
    # Oldest first where something waits (queue, due, scheduled); newest first for own work.
    return stamp if key in {"queue", "due", "scheduled"} else -stamp


def _latest_notes(model, pages) -> dict:
    if not pages:
        return {}
    transitions = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[page.pk for page in pages],
        action=Transition.Action.REQUEST_CHANGES,
    ).select_related("by")
    latest = {}
    for transition in transitions:  # newest first (Meta.ordering)
        latest.setdefault(transition.object_id, transition)
    return latest
