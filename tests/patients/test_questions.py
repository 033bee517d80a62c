"""Patients' questions under articles: nothing shows until approved; answers by practitioners."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.patients import services
from clinic.patients.models import Comment
from tests import factories
from tests.patients.helpers import raw_rows, stamp

pytestmark = pytest.mark.usefixtures("clinic")
QUESTION = "Is it safe to have acupuncture while pregnant? See http://evil.example/x"


@pytest.fixture
def post(personas):
    return factories.PostFactory(author=personas.practitioner, title="Low back pain")


def ask(client, post, **overrides):
    page = client.get(post.get_absolute_url())
    action = re.search(r'action="(/questions/[^"]+/)"', page.content.decode()).group(1)
    data = {
        "author_name": "Jean",
        "author_email": "jean.private@example.org",
        "body": QUESTION,
        "website": "",
        "started": stamp(),
    }
    data.update(overrides)
    return client.post(action, {k: v for k, v in data.items() if v is not None})


def test_a_question_waits_for_moderation_and_the_author_is_told_only_the_title(
    client, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, post)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Thank you for your question" in thanks.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.page == post
    assert "Is it safe" not in client.get(post.get_absolute_url()).content.decode()
    [message] = mail.outbox
    assert message.to == [post.author.user.email]
    assert "Low back pain" in message.subject
    assert f"/admin/patients/comment/{comment.pk}/change/" in message.body
    for secret in ["pregnant", "Jean", "jean.private"]:
        assert secret not in message.subject + message.body
    # The e-mail address is encrypted at rest.
    assert not any("jean.private" in row for row in raw_rows("patients_comment"))


def test_the_article_page_has_no_csrf_token_so_it_stays_cacheable(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(r'<form method="post" action="/questions/[^"]+/"', html)
    assert "csrfmiddlewaretoken" not in html


def test_once_approved_and_answered_question_and_answer_show_escaped(client, personas, post):
    ask(client, post, body="<script>alert(1)</script> " + QUESTION)
    comment = Comment.objects.get()
    services.answer(
        comment=comment, text="Please ask your midwife first.", by=personas.practitioner_user
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "http://evil.example/x" in html
    assert 'href="http://evil.example' not in html
    assert "Please ask your midwife first." in html
    assert f'Answer from <a href="{personas.practitioner.get_absolute_url()}">' in html
    assert personas.practitioner.credentials in html
    assert "jean.private" not in html


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_approved_questions_show(client, post, status):
    Comment.objects.create(
        page=post, author_name="Ann", body=f"Question that is {status}", status=status
    )
    assert f"Question that is {status}" not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "x" * 2001}, "at most 2000 characters"),
        ({"body": ""}, "Write your question or comment."),
        ({"author_email": "nope"}, "Enter a valid email address."),
    ],
)
def test_mistakes_get_a_message_beside_the_field(client, post, overrides, message):
    response = ask(client, post, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"website": "http://spam.example"}, {"started": "just now"}],
    ids=["honeypot", "too-fast"],
)
def test_bots_are_thanked_and_nothing_is_stored(
    client, post, overrides, django_capture_on_commit_callbacks
):
    if overrides.get("started") == "just now":
        overrides = {"started": stamp(seconds_ago=0.2)}
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, post, **overrides)
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert mail.outbox == []


def test_questions_close_after_the_configured_days(client, post, settings):
    settings.PATIENT_QUESTIONS_DAYS = 30
    post.published_at = timezone.now() - datetime.timedelta(days=31)
    post.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'action="/questions/' not in html
    assert "Questions are closed on this article." in html


def test_a_forged_or_unpublished_page_is_refused(client, post):
    draft = factories.PostFactory(status="draft", published_at=None)
    response = client.post(reverse("patients:ask", args=[services_token(draft)]), {"body": "x"})
    assert response.status_code == 404
    response = client.post(reverse("patients:ask", args=["blog:post:1"]), {"body": "x"})
    assert response.status_code == 404
    # Answered as GET: nothing to show.
    assert client.get(reverse("patients:ask", args=[services_token(post)])).status_code == 405


def services_token(page):
    from clinic.patients.views import page_token

    return page_token(page)


@pytest.fixture(params=[1, 50], ids=["1-question", "50-questions"])
def answered_post(request, personas):
    post = factories.PostFactory(author=personas.practitioner)
    for number in range(request.param):
        comment = Comment.objects.create(
            page=post, author_name=f"Reader {number}", body="A question", status="approved"
        )
        services.answer(comment=comment, text="An answer", by=personas.practitioner_user)
    return post


def test_the_article_runs_the_same_queries_with_1_and_50_questions(
    client, answered_post, django_assert_num_queries
):
    """Guards the N+1 of each answer asking for its practitioner: the same count for 1 and 50."""
    client.get(answered_post.get_absolute_url())  # content types, once
    # The questions are stored with the article's HTML (blog/page_html.py): none asked here.
    with django_assert_num_queries(2):
        response = client.get(answered_post.get_absolute_url())
    assert response.content.decode().count('class="answer"') == Comment.objects.count()


def test_approving_a_question_invalidates_the_cached_page(client, post, personas, settings):
    settings.PAGE_CACHE_SECONDS = 600
    ask(client, post)
    comment = Comment.objects.get()
    client.get(post.get_absolute_url())
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"
    services.moderate(comment=comment, status="approved", by=personas.editor)
    response = client.get(post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Is it safe" in response.content.decode()


def test_a_new_pending_question_leaves_cached_pages_alone(client, post, settings):
    settings.PAGE_CACHE_SECONDS = 600
    client.get(post.get_absolute_url())
    ask(client, post)
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.fixture
def question_on(personas):
    def make(post, status="pending", body="A question"):
        return Comment.objects.create(page=post, author_name="Ann", body=body, status=status)

    return make


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("anonymous", 302, 302),
        ("receptionist", 403, 403),
        ("practitioner_user", 200, 404),
        ("other_practitioner_user", 404, 404),
        ("editor", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_the_moderation_queue_goes_to_editors_and_the_articles_author(
    client, personas, post, question_on, persona, own, other
):
    """own: a question on the practitioner's article; other: on someone else's."""
    someone_else = factories.PostFactory(author=factories.PractitionerFactory(name="Ida Roe"))
    urls = {
        "own": reverse("admin:patients_comment_change", args=[question_on(post).pk]),
        "other": reverse("admin:patients_comment_change", args=[question_on(someone_else).pk]),
    }
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    for which, status in [("own", own), ("other", other)]:
        response = client.get(urls[which])
        # The admin answers a question outside one's queue by redirecting to its index with a
        # message, as for any object that does not exist for that person.
        expected = {404: 302}.get(status, status)
        assert response.status_code == expected, (which, persona)
        if status == 302:
            assert response["Location"] == f"{reverse('admin:login')}?next={urls[which]}"
        if status == 404:
            assert response["Location"] == reverse("admin:index")


def test_approving_from_the_list_publishes_and_records_who(client, personas, post, question_on):
    comment = question_on(post)
    client.force_login(personas.editor)
    client.post(
        reverse("admin:patients_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == personas.editor
    assert "A question" in client.get(post.get_absolute_url()).content.decode()


def test_answered_questions_are_in_the_feed_and_the_json_ld(client, personas, post, question_on):
    comment = question_on(post, status="approved")
    services.answer(
        comment=comment, text="An answer from the doctor.", by=personas.practitioner_user
    )
    question_on(post, body="Still waiting")
    feed = client.get(reverse("feeds:posts")).content.decode()
    assert "A question" in feed and "An answer from the doctor." in feed
    assert "Still waiting" not in feed
    html = client.get(post.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["commentCount"] == 1
    assert "Still waiting" not in html
    [item] = data["comment"]
    assert item["@type"] == "Comment" and item["text"] == "A question"
    assert item["author"] == {"@type": "Person", "name": "Ann"}
    [reply] = item["comment"]
    assert reply["text"] == "An answer from the doctor."
    assert reply["author"]["name"] == personas.practitioner.display_name
