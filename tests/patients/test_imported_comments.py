"""create_imported_comment(s): what the Blogger/WordPress import calls for old comments."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from clinic.ops.cache import GENERATION_KEY
from clinic.patients.models import Comment
from clinic.patients.services import create_imported_comment, create_imported_comments
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


# create_imported_comments: a page's comments at once --------------------------------------------


def values(number, **extra):
    return {
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.org",
        "body": f"  Comment {number}  ",
        "created_at": WHEN,
        "source": "blogger",
        "original_id": f"tag:blogger.com,1999:blog-1.post-2.comment-{number}",
        **extra,
    }


def test_several_at_once_are_stored_as_one_by_one(db):
    post = factories.PostFactory()
    fields = ["author_name", "body", "status", "created_at", "source", "answer", "answered_by"]
    one = create_imported_comment(page=post, **values(1, answer="Yes."))
    Comment.objects.all().delete()
    assert create_imported_comments(page=post, comments=[values(1, answer="Yes."), values(2)]) == 2
    stored = Comment.objects.approved().for_page(post).get(original_id=one.original_id)
    assert [getattr(stored, name) for name in fields] == [getattr(one, name) for name in fields]
    assert stored.body == "Comment 1" and stored.answered_by == post.author
    assert stored.author_email == "reader1@example.org"


def test_several_at_once_skip_those_already_here_in_three_queries(db, django_assert_num_queries):
    post = factories.PostFactory()
    create_imported_comment(page=post, **values(1))
    batch = [values(1, body="Changed on the old site"), values(2), values(3), values(3)]
    # Which are here, then one insert (inside its savepoint: two more statements); then the
    # article's stored HTML, once for the batch (blog/page_html.py: 7 queries).
    with django_assert_num_queries(4 + 7):
        assert create_imported_comments(page=post, comments=batch) == 2
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "Comment 1",
        "Comment 2",
        "Comment 3",
    ]
    assert create_imported_comments(page=post, comments=batch) == 0


def test_several_at_once_refuse_a_bad_one_and_store_none(db):
    post = factories.PostFactory()
    with pytest.raises(ValueError, match="needs its id"):
        create_imported_comments(page=post, comments=[values(1), values(2, original_id="")])
    assert not Comment.objects.exists()


def test_several_at_once_encrypt_the_email(db):
    post = factories.PostFactory()
    create_imported_comments(page=post, comments=[values(7)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT author_email FROM patients_comment")
        (raw,) = cursor.fetchone()
    assert "reader7" not in raw and raw.startswith("gAAAA")


@pytest.mark.django_db(transaction=True)
def test_several_at_once_move_the_page_cache_once():
    post = factories.PostFactory()
    cache.set(GENERATION_KEY, 1000, None)
    create_imported_comments(page=post, comments=[values(1), values(2), values(3)])
    assert cache.get(GENERATION_KEY) == 1001
    create_imported_comments(page=post, comments=[values(1)])  # nothing new: no move
    assert cache.get(GENERATION_KEY) == 1001
