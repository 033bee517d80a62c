"""Comments of the old site → approved patient comments, through the patients app's service.

Only live comments come here (pending and spam ones are counted and never published). A reply
written by the page's own author becomes the clinic's answer under the comment it replies to,
as the patients app shows answers; other replies are comments of their own.
"""

import hashlib
import html
import re

from clinic.migration import readers


def plain_text(body_html: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", body_html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text).replace("\xa0", " ")).strip()


def original_id(export: readers.Export, item: readers.Item) -> str:
    """Unique across sites: the export's source and the comment's own id (hashed if long)."""
    value = f"{export.source}#{item.original_id}"
    return value if len(value) <= 200 else hashlib.sha256(value.encode()).hexdigest()


def write_all(comments: list[readers.Item], writer) -> None:
    try:
        from clinic.patients.services import create_imported_comment
    except ImportError:  # pragma: no cover - the patients app is part of the site
        writer.counts["comment: not imported (no patients app)"] += len(comments)
        return
    export = writer.context.export
    source = "blogger" if export.format == readers.BLOGGER else "wordpress"
    by_id = {c.original_id: c for c in comments}
    answers = {}
    for comment in comments:
        parent = by_id.get(comment.reply_to)
        page = writer.targets.get(comment.parent_id)
        author = getattr(page, "author", None)
        if parent is not None and author is not None and _same_person(comment, author):
            answers[parent.original_id] = comment.original_id
    answer_ids = set(answers.values())
    for comment in comments:
        if comment.original_id in answer_ids:
            writer.counts["comment: imported as the clinic's answer"] += 1
            continue
        page = writer.targets.get(comment.parent_id)
        if page is None:
            writer.counts["comment: skipped (its post was not imported)"] += 1
            continue
        body = plain_text(comment.html)
        if not body:
            writer.counts["comment: skipped (empty)"] += 1
            continue
        answer = by_id[answers[comment.original_id]] if comment.original_id in answers else None
        create_imported_comment(
            page=page,
            author_name=comment.author_key or "Anonymous",
            author_email=comment.author_email,
            body=body,
            created_at=comment.published,
            source=source,
            original_id=original_id(export, comment),
            answer=plain_text(answer.html) if answer else None,
        )
        writer.counts["comment: imported"] += 1
        writer.done_one()


def _same_person(comment: readers.Item, practitioner) -> bool:
    from clinic.migration.importer import normal_name

    return normal_name(comment.author_key) == normal_name(practitioner.name)
