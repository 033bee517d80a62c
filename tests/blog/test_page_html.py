"""The article page's stored HTML (blog/page_html.py) is rendered again whenever something it
shows changes, and a page view never shows a part that is out of date or not public."""

import datetime
import re

import pytest
from django.utils import timezone

from blog import page_html
from blog.models import Post
from clinic.pages.publishing import Status
from clinic.patients import services
from clinic.patients.models import Comment
from tests import factories


@pytest.fixture
def post(db, clinic):
    return factories.PostFactory(title="Needles and knees")


def page(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def stored(post) -> str:
    return "".join(Post.objects.get(pk=post.pk).page_parts.values())


def test_parts_are_stored_on_save_and_printed_by_the_page(client, post):
    article = Post.objects.get(pk=post.pk).page_parts["article"]
    assert "<h1>Needles and knees</h1>" in article
    assert article in page(client, post)
    post.title = "Needles and hips"
    post.save()
    assert "<h1>Needles and hips</h1>" in page(client, post)


def test_author_renamed(client, post):
    author = post.author
    assert "Dr Helen Marsh MBChB MRCGP" in page(client, post)
    author.name = "Helen Marsh-Jones"
    author.save()
    html = page(client, post)
    assert "Dr Helen Marsh-Jones MBChB MRCGP" in html
    assert "Dr Helen Marsh MBChB" not in html


def test_reviewer_edited(client, post):
    reviewer = factories.PractitionerFactory(name="Ann Reviewer")
    Post.objects.filter(pk=post.pk).update(
        medically_reviewed_by=reviewer, last_reviewed=datetime.date(2026, 1, 5)
    )
    post.refresh_from_db()
    post.save()
    assert "Medically reviewed by" in page(client, post) and "Ann Reviewer" in page(client, post)
    reviewer.job_title = "Reviewer"
    reviewer.name = "Ann Checker"
    reviewer.save()
    assert "Ann Checker" in page(client, post) and "Ann Reviewer" not in page(client, post)


def test_tag_renamed_added_and_deleted(client, post):
    tag = factories.TagFactory(name="Knee pain", slug="knee-pain")
    post.tags.add(tag)
    assert '<a href="/blog/tag/knee-pain/">Knee pain</a>' in page(client, post)
    tag.name, tag.slug = "Painful knees", "painful-knees"
    tag.save()
    html = page(client, post)
    assert '<a href="/blog/tag/painful-knees/">Painful knees</a>' in html
    assert "Knee pain" not in html
    tag.delete()
    assert "Painful knees" not in page(client, post)


def test_tag_added_from_the_tag_side(client, post):
    tag = factories.TagFactory(name="Sciatica", slug="sciatica")
    tag.posts.add(post)
    assert "Sciatica" in page(client, post)
    tag.posts.clear()
    assert "Sciatica" not in page(client, post)


def test_condition_unpublished_is_never_named(client, post):
    condition = factories.ConditionFactory(name="Osteoarthritis of the knee")
    post.conditions.add(condition)
    assert "Osteoarthritis of the knee" in page(client, post)
    condition.status = Status.DRAFT
    condition.save()
    assert "Osteoarthritis of the knee" not in stored(post)
    assert "Osteoarthritis of the knee" not in page(client, post)
    condition.status = Status.PUBLISHED
    condition.save()
    assert "Osteoarthritis of the knee" in page(client, post)


def test_condition_renamed_and_deleted(client, post):
    condition = factories.ConditionFactory(name="Back pain", slug="back-pain")
    post.conditions.add(condition)
    condition.name = "Low back pain"
    condition.save()
    assert "Low back pain" in page(client, post)
    condition.delete()
    html = page(client, post)
    assert "Low back pain" not in html and "/conditions/back-pain/" not in html
    assert "Low back pain" not in stored(post)


def test_draft_condition_linked_is_not_named(client, post):
    draft = factories.ConditionFactory(name="Secret draft condition", status=Status.DRAFT)
    post.conditions.add(draft)
    assert "Secret draft condition" not in stored(post)
    assert "Secret draft condition" not in page(client, post)


def test_scheduled_condition_is_named_when_its_time_comes(client, post, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    scheduled = factories.ConditionFactory(
        name="Frozen shoulder", published_at=now + datetime.timedelta(hours=1)
    )
    post.conditions.add(scheduled)
    assert "Frozen shoulder" not in page(client, post)
    assert Post.objects.get(pk=post.pk).page_parts_until == scheduled.published_at
    time_machine.move_to(now + datetime.timedelta(hours=2), tick=False)
    assert "Frozen shoulder" in page(client, post)
    assert Post.objects.get(pk=post.pk).page_parts_until is None


def test_settings_changed(client, post, clinic):
    assert "01865 000 000" in page(client, post)
    clinic.phone = "01865 999 999"
    clinic.disclaimer = "A new disclaimer."
    clinic.save()
    html = page(client, post)
    assert "Call 01865 999 999" in html and "01865 000 000" not in html.split("<footer")[0]
    assert "A new disclaimer." in html


def test_question_approved_answered_and_withdrawn(client, post, personas):
    comment = services.submit_question(
        page=post, author_name="Sam", author_email="sam@example.org", body="Does it hurt?"
    )
    assert "Does it hurt?" not in page(client, post)  # waiting for moderation
    services.moderate(comment=comment, status=Comment.Status.APPROVED, by=personas.editor)
    html = page(client, post)
    assert "Does it hurt?" in html and '"commentCount":1' in html
    services.answer(comment=comment, text="Hardly at all.", by=personas.practitioner_user)
    assert "Hardly at all." in page(client, post)
    comment = Comment.objects.get(pk=comment.pk)  # as the moderation screen loads it
    services.moderate(comment=comment, status=Comment.Status.REJECTED, by=personas.editor)
    assert "Does it hurt?" not in page(client, post)
    assert "No questions yet." in page(client, post)


def test_rows_written_in_bulk_are_rendered_on_first_view(client, post):
    Post.objects.filter(pk=post.pk).update(page_parts={})
    assert "<h1>Needles and knees</h1>" in page(client, post)
    assert Post.objects.get(pk=post.pk).page_parts["article"]


def test_deferred_renders_each_article_once(db, clinic, django_assert_num_queries):
    with page_html.deferred():
        posts = factories.PostFactory.create_batch(3)
        for post in posts:
            post.tags.add(factories.TagFactory())
            assert Post.objects.get(pk=post.pk).page_parts == {}
    for post in posts:
        assert post.title in Post.objects.get(pk=post.pk).page_parts["article"]


def test_related_teasers_of_rows_written_in_bulk_are_rendered(client, post):
    other = factories.PostFactory(title="Written in bulk")
    Post.objects.filter(pk=other.pk).update(teaser_html="", page_parts={})
    Post.objects.filter(pk=post.pk).update(related_ids=[other.pk])
    assert "Written in bulk" in page(client, post).split('id="more-heading"')[1]
    assert "Written in bulk" in Post.objects.get(pk=other.pk).teaser_html


def masked(html: str) -> str:
    """The page without the question form's per-request values (time stamp, token)."""
    html = re.sub(r'name="started" value="[^"]*"', 'name="started" value=""', html)
    return re.sub(r'action="/questions/[^"]*"', 'action=""', html)


def test_with_fragments_warm_the_pages_are_the_same_without_queries(
    client, post, settings, django_assert_num_queries
):
    condition = factories.ConditionFactory(name="Sciatica")
    post.conditions.add(condition)
    factories.PostFactory.create_batch(3)
    urls = [post.get_absolute_url(), condition.get_absolute_url()]
    cold = [masked(page_of(client, url)) for url in urls]
    settings.FRAGMENT_CACHE_SECONDS = 600
    for url, expected in zip(urls, cold, strict=True):
        page_of(client, url)  # fragments filled
        with django_assert_num_queries(0):
            assert masked(page_of(client, url)) == expected, url
    assert 'name="started" value="' in cold[0] and "Sciatica" in cold[0]


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
