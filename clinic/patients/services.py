"""The writes that change patients' data: one keyword-only function for each step."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.patients.models import COMMENT_MAX_LENGTH, Comment


def _page_author(page):
    """The practitioner who wrote the page, if the page type has one (articles do)."""
    from clinic.practice.models import Practitioner

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
    if source not in {Comment.Source.BLOGGER, Comment.Source.WORDPRESS}:
        raise ValueError(f"Unknown import source {source!r}: use 'blogger' or 'wordpress'.")
    original_id = str(original_id or "").strip()
    if not original_id:
        raise ValueError("An imported comment needs its id on the old site (original_id).")
    existing = Comment.objects.filter(source=source, original_id=original_id).first()
    if existing is not None:
        return existing
    answer = (answer or "").strip()
    comment = Comment(
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
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:  # imported at the same moment by another process?
        existing = Comment.objects.filter(source=source, original_id=original_id).first()
        if existing is None:
            raise
        return existing
    return comment
