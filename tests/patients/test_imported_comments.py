"""create_imported_comment: what the Blogger/WordPress import calls for each old comment."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from clinic.patients.models import Comment
from clinic.patients.services import create_imported_comment
from tests import factories

WHEN = timezone.make_aware(datetime.datetime(2019, 3, 4, 10, 30))


def imported(page, **extra):
    return create_imported_comment(
        page=page,
        author_name="Jean",
        body="Does it hurt? <b>really</b>",
        created_at=WHEN,
        source="blogger",
        original_id="tag:blogger.com,1999:blog-1.post-2.comment-3",
        **extra,
    )


def test_an_imported_comment_is_approved_on_its_page_with_its_date(db):
    post = factories.PostFactory()
    comment = imported(post, author_email="jean@example.org")
    comment.refresh_from_db()
    assert comment.page == post
    assert comment.status == Comment.Status.APPROVED
    assert comment.created_at == WHEN
    assert comment.source == Comment.Source.BLOGGER
    assert comment.author_email == "jean@example.org"
    assert list(Comment.objects.approved().for_page(post)) == [comment]


def test_importing_again_finds_the_same_comment(db):
    post = factories.PostFactory()
    first = imported(post)
    again = imported(post, answer="A second import must not change or add anything.")
    assert again.pk == first.pk
    assert again.answer == ""
    assert Comment.objects.count() == 1


def test_the_same_id_from_another_source_is_another_comment(db):
    post = factories.PostFactory()
    imported(post)
    create_imported_comment(
        page=post,
        author_name="Jean",
        body="Hello",
        created_at=WHEN,
        source="wordpress",
        original_id="tag:blogger.com,1999:blog-1.post-2.comment-3",
    )
    assert Comment.objects.count() == 2


def test_an_answer_is_shown_as_the_articles_author(db):
    post = factories.PostFactory()
    comment = imported(post, answer="Usually not: most people feel a dull ache.")
    assert comment.answered_by == post.author
    assert comment.answer.startswith("Usually not")
    assert comment.answered_at == WHEN


@pytest.mark.parametrize(
    ("source", "original_id", "message"),
    [("site", "1", "Unknown import source"), ("blogger", " ", "needs its id")],
)
def test_bad_source_or_missing_id_is_refused(db, source, original_id, message):
    post = factories.PostFactory()
    with pytest.raises(ValueError, match=message):
        create_imported_comment(
            page=post,
            author_name="A",
            body="B",
            created_at=WHEN,
            source=source,
            original_id=original_id,
        )
    assert not Comment.objects.exists()


def test_the_email_is_encrypted_in_the_database(db):
    post = factories.PostFactory()
    comment = imported(post, author_email="jean.secret@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT author_email FROM patients_comment WHERE id = %s", [comment.pk])
        (raw,) = cursor.fetchone()
    assert "jean.secret" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
