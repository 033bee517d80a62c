"""Comments of the old site → approved patient comments, through the patients app's service.

Only live comments come here (pending and spam ones are counted and never published). A reply
written by the page's own author becomes the clinic's answer under the comment it replies to,
as the patients app shows answers; other replies are comments of their own.
"""

import hashlib
import html
import re

from clinic.migration import readers
from clinic.patients.models import Comment
from clinic.patients.services import create_imported_comments


def plain_text(body_html: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", body_html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text).replace("\xa0", " ")).strip()


def original_id(export: readers.Export, item: readers.Item) -> str:
    """Unique across sites: the export's source and the comment's own id (hashed if long)."""
    value = f"{export.source}#{item.original_id}"
    return value if len(value) <= 200 else hashlib.sha256(value.encode()).hexdigest()


def write_all(comments: list[readers.Item], writer) -> None:
    export = writer.context.export
    source = "blogger" if export.format == readers.BLOGGER else "wordpress"
    # A second import: comments already here are skipped without a query each.
    already = set(
        Comment.objects.filter(
            source=source, original_id__startswith=f"{export.source}#"
        ).values_list("original_id", flat=True)
    )
    by_id = {c.original_id: c for c in comments}
    answers = {}
    for comment in comments:
        parent = by_id.get(comment.reply_to)
        if parent is None:
            continue
        author = getattr(writer.target(comment.parent_id), "author", None)
        if author is not None and _same_person(comment, author):
            answers[parent.original_id] = comment.original_id
    answer_ids = set(answers.values())
    by_page: dict[str, list[readers.Item]] = {}
    for comment in comments:
        by_page.setdefault(comment.parent_id, []).append(comment)
    for parent_id, group in by_page.items():
        page = writer.target(parent_id)
        values = []
        for comment in group:
            value = _values(comment, writer, page, answers, answer_ids, already, by_id, source)
            if value is not None:
                values.append(value)
        if not values:
            continue
        # A page's comments together, in one transaction and one insert.
        added = create_imported_comments(page=page, comments=values)
        writer.counts["comment: imported"] += added
        if added < len(values):  # imported meanwhile by another process
            writer.counts["comment: unchanged"] += len(values) - added
        for _ in values:
            writer.done_one()


def _values(comment, writer, page, answers, answer_ids, already, by_id, source) -> dict | None:
    """create_imported_comments' values for one comment, or None (counted) when it is skipped."""
    export = writer.context.export
    if comment.original_id in answer_ids:
        writer.counts["comment: imported as the clinic's answer"] += 1
        return None
    if original_id(export, comment) in already:
        writer.counts["comment: unchanged"] += 1
        writer.done_one()
        return None
    if page is None:
        writer.counts["comment: skipped (its post was not imported)"] += 1
        return None
    body = plain_text(comment.html)
    if not body:
        writer.counts["comment: skipped (empty)"] += 1
        return None
    answer = by_id[answers[comment.original_id]] if comment.original_id in answers else None
    return {
        "author_name": comment.author_key or "Anonymous",
        "author_email": comment.author_email,
        "body": body,
        "created_at": comment.published,
        "source": source,
        "original_id": original_id(export, comment),
        "answer": plain_text(answer.html) if answer else None,
    }


def _same_person(comment: readers.Item, practitioner) -> bool:
    from clinic.migration.importer import normal_name

    return normal_name(comment.author_key) == normal_name(practitioner.name)
