"""
The editorial workflow, shared by articles and condition pages: one service function per step.

    Draft ──submit──▶ In review ──approve──▶ Published (now, or scheduled for later)
      ▲                  │                       │
      └── (edit) ◀── Changes requested ◀─────────┘ unpublish ▶ Unpublished ──submit──▶ …

Each step checks who may take it, records a `Transition` (who, when, note) and sends the e-mail.
The admin calls these functions; nothing here hides in signals or `save()`.

A practitioner's edit of a published page does not touch the live row: the changed fields wait in
`pending` (see `stage_pending`) and go through the same submit / request changes / approve steps.
"""

import calendar
import datetime
import logging

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clinic.lib.mail import queue_email
from clinic.pages import checks
from clinic.pages.models import Transition
from clinic.pages.publishing import Status
from clinic.practice.models import ClinicSettings

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"

# States in which the page is not live and its author may change it directly.
EDITABLE_BY_AUTHOR = {Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED}
SUBMITTABLE = EDITABLE_BY_AUTHOR


class WorkflowError(Exception):
    """A step that cannot be taken now; the message is shown to the person as it is."""


# Who may do what -------------------------------------------------------------------------------


def can_publish(user, page_or_model) -> bool:
    return bool(user.is_active and user.has_perm(page_or_model.publish_permission))


def is_owner(user, page) -> bool:
    if page.created_by_id is not None and page.created_by_id == user.pk:
        return True
    author = getattr(page, "author", None)
    return author is not None and author.user_id is not None and author.user_id == user.pk


def can_edit(user, page) -> bool:
    """Editors change anything; authors change their own pages unless they wait for review."""
    if can_publish(user, page):
        return True
    return is_owner(user, page) and page.status != Status.IN_REVIEW and not pending_submitted(page)


def edits_go_to_pending(user, page) -> bool:
    """True when this person's save must leave the live (or scheduled) page as it is."""
    return page.pk is not None and page.status == Status.PUBLISHED and not can_publish(user, page)


def pending_submitted(page) -> bool:
    return bool(page.pending and page.pending.get("submitted_at"))


def waiting_for_review(page) -> bool:
    return page.status == Status.IN_REVIEW or pending_submitted(page)


# The steps, and who may take them. The admin asks here; it never decides itself.
OWNER_STEPS = {"submit", "share", "revoke"}  # the page's owner, or anyone who may publish it
PUBLISHER_STEPS = {"approve", "request_changes", "unpublish", "mark_reviewed"}
STEPS = OWNER_STEPS | PUBLISHER_STEPS


def may_take(user, page, step: str) -> bool:
    """Whether this person's role lets them take `step` on this page (its state aside: a step
    taken at the wrong moment is refused by the step itself, with a WorkflowError)."""
    if step in PUBLISHER_STEPS:
        return can_publish(user, page)
    if step in OWNER_STEPS:
        return is_owner(user, page) or can_publish(user, page)
    raise ValueError(f"No such workflow step: {step!r}")


def available_steps(user, page) -> set[str]:
    """The steps this person may take on the page now: role and state (the admin's buttons)."""
    status, waiting = page.status, waiting_for_review(page)
    possible = {
        "submit": status in SUBMITTABLE
        or (status == Status.PUBLISHED and bool(page.pending) and not waiting),
        "request_changes": waiting,
        "approve": status != Status.PUBLISHED or bool(page.pending),
        "unpublish": status == Status.PUBLISHED,
        "mark_reviewed": True,
        "share": True,
        "revoke": True,
    }
    return {step for step, now in possible.items() if now and may_take(user, page, step)}


# Pending revisions -----------------------------------------------------------------------------


def stage_pending(page, *, by, values: dict, m2m: dict, references: list[int]) -> None:
    """Keep a practitioner's changes to a live page aside; the live row's content is untouched.

    `page` may carry the form's unsaved changes; only `pending` is written, on a fresh copy.
    """
    live = type(page).objects.get(pk=page.pk)
    live.pending = {
        "fields": {name: values[name] for name in page.pending_fields if name in values},
        "m2m": {
            name: sorted(getattr(item, "pk", item) for item in m2m.get(name, []))
            for name in page.pending_m2m
        },
        "references": list(references),
        "by": by.pk,
        "saved_at": timezone.now().isoformat(),
        "submitted_at": None,
    }
    live.save(update_fields=["pending", "updated_at"])
    page.pending, page.updated_at = live.pending, live.updated_at


def with_pending(page):
    """An unsaved copy of the page as it will look once its pending revision is approved."""
    from clinic.references.models import Reference

    copy = type(page).objects.get(pk=page.pk)
    if not page.pending:
        return copy
    for name, value in page.pending.get("fields", {}).items():
        setattr(copy, name, value)
    ids = page.pending.get("references", [])
    by_id = Reference.objects.in_bulk(ids)
    copy.render(references=[by_id[pk] for pk in ids if pk in by_id])
    return copy


def apply_content(page, *, fields: dict, m2m: dict, references: list[int]) -> None:
    """Write content (text fields, many-to-many, attached references in order) onto the page.

    Used to approve a pending revision and to restore an old version; the workflow's own fields
    (status, dates, review) are never touched.
    """
    for name, value in fields.items():
        if name in page.pending_fields:
            setattr(page, name, value)
    page.save(render=False)
    for name, ids in m2m.items():
        if name in page.pending_m2m:
            getattr(page, name).set(ids)
    link_model = page.reference_links.model
    owner = page.reference_links.field.name
    page.reference_links.all().delete()
    link_model.objects.bulk_create(
        link_model(**{owner: page}, reference_id=pk, order=order)
        for order, pk in enumerate(references)
    )
    page.save_rendered()  # once, with the references now attached


def text_to_publish(page) -> str:
    """The Markdown that goes live when this page is approved (its pending text, if any)."""
    return (with_pending(page) if page.pending else page).markdown_source()


def _apply_pending(page) -> None:
    pending, page.pending = page.pending, {}
    apply_content(
        page,
        fields=pending.get("fields", {}),
        m2m=pending.get("m2m", {}),
        references=pending.get("references", []),
    )


# The steps -------------------------------------------------------------------------------------


def submit(*, page, by) -> Transition:
    with transaction.atomic():
        page = _locked(page)
        if not (is_owner(by, page) or can_publish(by, page)):
            raise WorkflowError("Only the author or an editor can submit this page.")
        if page.status == Status.PUBLISHED and page.pending:
            if pending_submitted(page):
                raise WorkflowError("These changes are already waiting for review.")
            page.pending = {**page.pending, "submitted_at": timezone.now().isoformat()}
            page.submitted_at = timezone.now()
            _save(page, "pending", "submitted_at")
            transition = _record(page, by, "submit_changes", Status.PUBLISHED, Status.PUBLISHED)
        elif page.status in SUBMITTABLE:
            before = page.status
            page.status, page.submitted_at = Status.IN_REVIEW, timezone.now()
            _save(page, "status", "submitted_at")
            transition = _record(page, by, "submit", before, Status.IN_REVIEW)
        else:
            raise WorkflowError(
                f"A page that is {page.get_status_display().lower()} cannot be submitted."
            )
    _mail(
        editor_emails(),
        f"For review: {page}",
        f"{_name(by)} submitted “{page}” for review.\n\nReview it: {_admin_url(page)}",
    )
    return transition


def request_changes(*, page, by, note: str) -> Transition:
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Say what needs changing: the note is required.")
    with transaction.atomic():
        page = _locked(page)
        _require_publisher(by, page)
        if page.status == Status.IN_REVIEW:
            page.status = Status.CHANGES_REQUESTED
            _save(page, "status")
            transition = _record(page, by, "request_changes", Status.IN_REVIEW, page.status, note)
        elif pending_submitted(page):
            page.pending = {**page.pending, "submitted_at": None}
            page.submitted_at = None
            _save(page, "pending", "submitted_at")
            transition = _record(
                page, by, "request_changes", Status.PUBLISHED, Status.PUBLISHED, note
            )
        else:
            raise WorkflowError("Only a page waiting for review can be sent back for changes.")
    _mail(
        owner_emails(page),
        f"Changes requested: {page}",
        f"{_name(by)} asked for changes to “{page}”:\n\n{note}\n\nEdit it: {_admin_url(page)}",
    )
    return transition


def approve(*, page, by, publish_at: datetime.datetime | None = None, note="") -> Transition:
    """Publish now, or at `publish_at` (scheduled: it becomes public when that time comes)."""
    now = timezone.now()
    with transaction.atomic():
        page = _locked(page)
        _require_publisher(by, page)
        refusals = checks.blocking(text_to_publish(page))
        if refusals:
            raise WorkflowError(" ".join(refusals))
        before = page.status
        if before == Status.PUBLISHED and page.pending:
            # The approved text becomes the live page: a revision in its history, like a save.
            with reversion.create_revision():
                reversion.set_user(by)
                reversion.set_comment("Approved changes waiting for review.")
                _apply_pending(page)
            action = "approve_changes"
        elif before == Status.PUBLISHED:
            raise WorkflowError("This page is already published and has no changes waiting.")
        else:
            page.status = Status.PUBLISHED
            page.published_at = publish_at or now
            action = "schedule" if publish_at and publish_at > now else "publish"
        if page.next_review_due is None:
            page.next_review_due = add_months(
                timezone.localdate(), ClinicSettings.load().review_interval_months
            )
        page.submitted_at = None
        page.save()
        transition = _record(page, by, action, before, Status.PUBLISHED, note)
    when = timezone.localtime(page.published_at).strftime("%-d %B %Y at %H:%M")
    text = {
        "schedule": f"“{page}” was approved and will be published on {when}.",
        "publish": f"“{page}” was approved and is now published.",
        "approve_changes": f"Your changes to “{page}” were approved and are now live.",
    }[action]
    _mail(owner_emails(page), f"Approved: {page}", f"{text}\n\n{_public_url(page)}")
    return transition


def unpublish(*, page, by, note="") -> Transition:
    with transaction.atomic():
        page = _locked(page)
        _require_publisher(by, page)
        if page.status != Status.PUBLISHED:
            raise WorkflowError("Only a published or scheduled page can be unpublished.")
        page.status = Status.UNPUBLISHED
        _save(page, "status")
        transition = _record(page, by, "unpublish", Status.PUBLISHED, Status.UNPUBLISHED, note)
    _mail(
        owner_emails(page),
        f"Unpublished: {page}",
        f"{_name(by)} took “{page}” off the site.\n\n{note}\n\n{_admin_url(page)}".strip(),
    )
    return transition


def mark_reviewed(*, page, by, reviewer, on: datetime.date | None = None, note="") -> Transition:
    """Medically reviewed, no changes needed: the only step that moves the review dates."""
    on = on or timezone.localdate()
    with transaction.atomic():
        page = _locked(page)
        _require_publisher(by, page)
        author = getattr(page, "author", None)
        if author is not None and reviewer is not None and author.pk == reviewer.pk:
            raise WorkflowError(
                f"{reviewer} wrote this page, so cannot be its medical reviewer: choose "
                "another practitioner."
            )
        page.medically_reviewed_by = reviewer
        page.last_reviewed = on
        page.next_review_due = add_months(on, ClinicSettings.load().review_interval_months)
        _save(page, "medically_reviewed_by", "last_reviewed", "next_review_due")
        transition = _record(page, by, "mark_reviewed", page.status, page.status, note)
    return transition


def history(page):
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(page), object_id=page.pk
    ).select_related("by")


# Helpers ---------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _locked(page):
    return type(page).objects.select_for_update().get(pk=page.pk)


def _require_publisher(user, page):
    if not can_publish(user, page):
        raise WorkflowError("Only an editor can do this.")


def _save(page, *fields):
    # save(), not update(): the page cache (clinic/ops/cache.py) hears post_save and moves on.
    page.save(update_fields=[*fields, "updated_at"])


def _record(page, by, action, from_status, to_status, note="") -> Transition:
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        object_id=page.pk,
        action=action,
        from_status=from_status,
        to_status=to_status,
        by=by,
        note=note,
    )


def editor_emails() -> list[str]:
    users = get_user_model().objects.filter(
        Q(groups__name=EDITORS_GROUP) | Q(is_superuser=True), is_active=True
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def owner_emails(page) -> list[str]:
    emails = set()
    if page.created_by and page.created_by.email:
        emails.add(page.created_by.email)
    author = getattr(page, "author", None)
    if author is not None and author.user is not None and author.user.email:
        emails.add(author.user.email)
    return sorted(emails)


def _mail(recipients, subject, body):
    # A task, queued once the step is committed: an SMTP server that is down or hangs never
    # holds up or undoes the step (clinic/lib/mail.py).
    queue_email(subject, body, recipients)


def _name(user):
    return user.get_full_name() or user.get_username()


def _admin_url(page):
    meta = page._meta
    return settings.SITE_URL + reverse(
        f"admin:{meta.app_label}_{meta.model_name}_change", args=[page.pk]
    )


def _public_url(page):
    return settings.SITE_URL + page.get_absolute_url()
