"""What patients see of the questions: on the page, in its feed entry and in its JSON-LD.

`approved_comments(page)` asks the database once per page and keeps the answer on the page
object, so the page's HTML and its JSON-LD share one query; a feed attaches them to all its
entries in one query with `attach_approved_comments`.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string

from clinic.patients.models import Comment

_ATTRIBUTE = "_approved_comments"


def approved_comments(page) -> list[Comment]:
    comments = getattr(page, _ATTRIBUTE, None)
    if comments is None:
        comments = list(Comment.objects.approved().for_page(page).select_related("answered_by"))
        setattr(page, _ATTRIBUTE, comments)
    return comments


def remember(page, comments) -> None:
    """Keep comments fetched elsewhere (from a cached fragment) on the page object."""
    setattr(page, _ATTRIBUTE, comments)


def attach_approved_comments(pages) -> None:
    """Fetch the approved comments of many pages of one type in one query."""
    pages = list(pages)
    if not pages:
        return
    by_page = defaultdict(list)
    comments = (
        Comment.objects.approved()
        .filter(
            content_type=ContentType.objects.get_for_model(pages[0]),
            object_id__in=[page.pk for page in pages],
        )
        .select_related("answered_by")
    )
    for comment in comments:
        by_page[comment.object_id].append(comment)
    for page in pages:
        setattr(page, _ATTRIBUTE, by_page[page.pk])


def json_ld(page, *, person) -> list[dict]:
    """schema.org `Comment`s, each answer a `Comment` on the question by its practitioner.

    `person` turns a Practitioner into its schema.org Person (clinic.lib.structured_data).
    """
    items = []
    for comment in approved_comments(page):
        item = {
            "@type": "Comment",
            "text": comment.body,
            "dateCreated": comment.created_at.isoformat(),
            "author": {"@type": "Person", "name": comment.author_name},
        }
        if comment.answer:
            reply = {"@type": "Comment", "text": comment.answer}
            if comment.answered_at:
                reply["dateCreated"] = comment.answered_at.isoformat()
            if comment.answered_by:
                reply["author"] = person(comment.answered_by)
            item["comment"] = [reply]
        items.append(item)
    return items


def feed_html(page) -> str:
    """The approved questions and answers as HTML for the page's feed entry ("" if none)."""
    comments = approved_comments(page)
    if not comments:
        return ""
    return render_to_string("patients/feed_questions.html", {"comments": comments})
