"""The writes that change patients' data: one keyword-only function for each step."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.lib import changes
from clinic.patients import tasks
from clinic.patients.models import (
    COMMENT_MAX_LENGTH,
    AppointmentRequest,
    Comment,
    lookup_digest,
)
from clinic.practice.models import Practitioner


def _page_author(page):
    """The practitioner who wrote the page, if the page type has one (articles do)."""
    author = getattr(page, "author", None)
    return author if isinstance(author, Practitioner) else None


def create_imported_comment(
    *,
    page,
    author_name,
    body,
    created_at,
    source,
    original_id,
    author_email="",
    answer=None,
):
    """An approved comment brought over from the old Blogger or WordPress site.

    Idempotent on (source, original_id): importing the same comment again returns the one
    already stored, unchanged. `answer` is the clinic's reply on the old site, if any; it is
    shown as answered by the page's author. Returns the Comment.
    """
    comment = _imported_comment(
        page=page,
        author_name=author_name,
        body=body,
        created_at=created_at,
        source=source,
        original_id=original_id,
        author_email=author_email,
        answer=answer,
    )
    return _stored(comment)[0]


def create_imported_comments(*, page, comments: list[dict]) -> int:
    """Several of one page's comments at once, as create_imported_comment makes each one
    (the same checks, the same values), in two queries: which are here already, and one insert.

    Each dict holds create_imported_comment's arguments other than `page`. Comments already
    imported are left as they are. Returns how many were added.
    """
    made = [_imported_comment(page=page, **values) for values in comments]
    made = list({(comment.source, comment.original_id): comment for comment in made}.values())
    here = set(
        Comment.objects.filter(
            source__in={comment.source for comment in made},
            original_id__in=[comment.original_id for comment in made],
        ).values_list("source", "original_id")
    )
    new = [comment for comment in made if (comment.source, comment.original_id) not in here]
    if not new:
        return 0
    # bulk_create sends no post_save: the page cache is told here, once (clinic.lib.changes).
    with changes.one_change():
        try:
            with transaction.atomic():
                Comment.objects.bulk_create(new)
        except IntegrityError:  # some imported at the same moment by another process
            return sum(1 for comment in new if _stored(comment)[1])
        changes.note_change()
    # Nor does the page's stored HTML hear of them (blog.page_html): it is told here.
    questions_changed = getattr(page, "questions_changed", None)
    if questions_changed is not None:
        questions_changed()
    return len(new)


def _stored(comment: Comment) -> tuple[Comment, bool]:
    """(the comment saved, True), or (the one imported before under its id, False)."""
    lookup = {"source": comment.source, "original_id": comment.original_id}
    existing = Comment.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:  # imported at the same moment by another process?
        existing = Comment.objects.filter(**lookup).first()
        if existing is None:
            raise
        return existing, False
    return comment, True


def _imported_comment(
    *, page, author_name, body, created_at, source, original_id, author_email="", answer=None
) -> Comment:
    """The unsaved Comment an imported comment becomes; ValueError for a bad source or id."""
    if source not in {Comment.Source.BLOGGER, Comment.Source.WORDPRESS}:
        raise ValueError(f"Unknown import source {source!r}: use 'blogger' or 'wordpress'.")
    original_id = str(original_id or "").strip()
    if not original_id:
        raise ValueError("An imported comment needs its id on the old site (original_id).")
    answer = (answer or "").strip()
    return Comment(
        content_type=ContentType.objects.get_for_model(page),
        object_id=page.pk,
        author_name=(author_name or "").strip()[:100] or "Anonymous",
        author_email=(author_email or "").strip()[:254],
        body=(body or "").strip()[:COMMENT_MAX_LENGTH],
        status=Comment.Status.APPROVED,
        created_at=created_at or timezone.now(),
        moderated_at=timezone.now(),
        source=source,
        original_id=original_id,
        answer=answer[: COMMENT_MAX_LENGTH * 2],
        answered_by=_page_author(page) if answer else None,
        answered_at=(created_at or timezone.now()) if answer else None,
    )


# --- Appointment requests -------------------------------------------------------------------


def submit_request(*, data: dict) -> AppointmentRequest:
    """Store a request from the contact form; reception is told by e-mail after the commit."""
    request = AppointmentRequest.objects.create(
        kind=data["kind"],
        name=data["name"].strip(),
        phone=data.get("phone", "").strip(),
        email=data.get("email", "").strip(),
        patient=data["patient"],
        preferred_times=data.get("preferred_times", "").strip(),
        message=data.get("message", "").strip(),
        consent=data["consent"],
    )
    transaction.on_commit(lambda: tasks.notify_reception.enqueue(request_id=request.pk))
    return request


def requests_for_person(*, email="", phone=""):
    """Every request from this e-mail address or telephone number (subject access, erasure)."""
    query = Q(pk__in=[])
    if digest := lookup_digest("email", email):
        query |= Q(email_digest=digest)
    if digest := lookup_digest("phone", phone):
        query |= Q(phone_digest=digest)
    return AppointmentRequest.objects.filter(query).order_by("created_at")


# What the patient sent, in the order reception reads it (the admin shows these read-only).
PATIENT_FIELDS = (
    "kind",
    "name",
    "phone",
    "email",
    "patient",
    "preferred_times",
    "message",
    "consent",
    "created_at",
)
EXPORTED_FIELDS = ("id", *PATIENT_FIELDS, "status", "notes", "closed_at")


def export_requests(requests) -> list[dict]:
    """What the clinic holds on these requests, for the person's subject-access request."""
    rows = []
    for request in requests:
        row = {name: getattr(request, name) for name in EXPORTED_FIELDS}
        for name in ("created_at", "closed_at"):
            row[name] = row[name].isoformat() if row[name] else None
        row["handled_by"] = request.handled_by.get_username() if request.handled_by else None
        rows.append(row)
    return rows


def erase_requests(*, requests) -> int:
    """Delete these requests for good (the person asked to be forgotten); the count."""
    count, _ = AppointmentRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
    return count


def delete_expired_requests(*, days: int, now=None) -> tuple[int, int]:
    """Delete requests booked or closed more than `days` ago, and questions rejected or marked
    as spam that long ago (run daily from cron). Returns (requests, questions) deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    requests, _ = AppointmentRequest.objects.filter(closed_at__lt=cutoff).delete()
    questions, _ = Comment.objects.filter(
        status__in=[Comment.Status.REJECTED, Comment.Status.SPAM], moderated_at__lt=cutoff
    ).delete()
    return requests, questions


# --- Patients' questions --------------------------------------------------------------------


def questions_open(page, now=None) -> bool:
    """Questions are taken on a public page, for PATIENT_QUESTIONS_DAYS after publication
    (0: always)."""
    published = getattr(page, "published_at", None)
    if published is None or not getattr(page, "is_public", False):
        return False
    return questions_open_since(published, now)


def questions_open_since(published, now=None) -> bool:
    """Questions are still taken on a public page published at `published`."""
    days = settings.PATIENT_QUESTIONS_DAYS
    return days <= 0 or (now or timezone.now()) - published <= datetime.timedelta(days=days)


def submit_question(*, page, author_name, author_email, body) -> Comment:
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        object_id=page.pk,
        author_name=author_name.strip(),
        author_email=author_email.strip(),
        body=body.strip(),
    )
    transaction.on_commit(lambda: tasks.notify_author.enqueue(comment_id=comment.pk))
    return comment


def moderate(*, comment, status, by) -> Comment:
    """Approve, reject or mark as spam; who and when are recorded."""
    comment.status = status
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    return comment


def answer(*, comment, text, by) -> Comment:
    """Publish a practitioner's reply under the question (and approve the question)."""
    practitioner = Practitioner.objects.filter(user=by).first()
    comment.answer = text.strip()
    comment.answered_by = practitioner
    comment.answered_at = timezone.now()
    comment.status = Comment.Status.APPROVED
    comment.moderated_by = by
    comment.moderated_at = comment.answered_at
    comment.save()
    return comment
