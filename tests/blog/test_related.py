"""Related articles are kept on save (blog/related.py) and shown through published() only."""

import datetime

import pytest
from django.utils import timezone

from blog import related
from blog.models import Post
from clinic.pages.publishing import Status
from tests import factories


def stored(post):
    return Post.objects.get(pk=post.pk).related_ids


@pytest.fixture
def pain(db):
    return factories.TagFactory(name="Pain", slug="pain")


def test_tag_change_updates_both_articles_lists(db, pain):
    knee = factories.PostFactory(title="Knee")
    back = factories.PostFactory(title="Back")
    assert stored(knee) == [] and stored(back) == []
    knee.tags.add(pain)
    back.tags.add(pain)
    assert stored(knee) == [back.pk]
    assert stored(back) == [knee.pk]
    back.tags.remove(pain)
    assert stored(knee) == []
    assert stored(back) == []


def test_more_shared_ranks_first_then_newest(db, pain):
    needles = factories.TagFactory(name="Needles", slug="needles")
    condition = factories.ConditionFactory()
    now = timezone.now()
    post = factories.PostFactory()
    one_old = factories.PostFactory(published_at=now - datetime.timedelta(days=9))
    one_new = factories.PostFactory(published_at=now - datetime.timedelta(days=2))
    three = factories.PostFactory(published_at=now - datetime.timedelta(days=30))
    for other in (post, one_old, one_new, three):
        other.tags.add(pain)
    post.tags.add(needles)
    three.tags.add(needles)
    post.conditions.add(condition)
    three.conditions.add(condition)
    assert stored(post) == [three.pk, one_new.pk, one_old.pk]


def test_hidden_articles_never_shown_even_from_a_stale_list(client, db, pain):
    post = factories.PostFactory(title="The article")
    shown = factories.PostFactory(title="Shown related")
    hidden = factories.PostFactory(title="Soon hidden")
    for other in (post, shown, hidden):
        other.tags.add(pain)
    assert set(stored(post)) == {shown.pk, hidden.pk}
    # A stale list (as if the refresh had missed it) still shows nothing hidden.
    Post.objects.filter(pk=hidden.pk).update(status=Status.DRAFT)
    assert hidden.pk in stored(post)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Related articles" in html
    assert "Shown related" in html
    assert "Soon hidden" not in html


def test_unpublishing_and_publishing_update_the_lists(client, db, pain):
    post = factories.PostFactory(title="The article")
    other = factories.PostFactory(title="Other article")
    post.tags.add(pain)
    other.tags.add(pain)
    other.status = Status.UNPUBLISHED
    other.save()
    assert stored(post) == []
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Other article" not in html
    assert "More articles" not in html and "Related articles" not in html
    other.status = Status.PUBLISHED
    other.save()
    assert stored(post) == [other.pk]
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Related articles" in html and "Other article" in html


def test_scheduled_article_is_stored_but_shown_only_when_due(client, db, pain, time_machine):
    post = factories.PostFactory(title="The article")
    later = factories.PostFactory(
        title="Scheduled article", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    post.tags.add(pain)
    later.tags.add(pain)
    assert stored(post) == [later.pk]
    assert "Scheduled article" not in client.get(post.get_absolute_url()).content.decode()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Related articles" in html and "Scheduled article" in html


def test_without_shared_tags_the_newest_fill_the_list(client, db):
    post = factories.PostFactory(title="The article")
    now = timezone.now()
    for days, title in [(5, "Oldest"), (3, "Middle"), (2, "Newer"), (1, "Newest")]:
        factories.PostFactory(title=title, published_at=now - datetime.timedelta(days=days))
    html = client.get(post.get_absolute_url()).content.decode()
    section = html.split('id="more-heading"', 1)[1].split("</section>", 1)[0]
    assert "More articles" in html
    assert "Newest" in section and "Newer" in section and "Middle" in section
    assert "Oldest" not in section
    assert section.index("Newest") < section.index("Newer") < section.index("Middle")


def test_reverse_side_tag_add_refreshes(db, pain):
    post = factories.PostFactory()
    other = factories.PostFactory()
    pain.posts.add(post, other)
    assert stored(post) == [other.pk]
    assert stored(other) == [post.pk]


def test_refreshed_once_gives_the_lists_saving_each_one_gives(db, pain):
    """Many articles written in a row (an import) refresh each list once, at the end."""
    needles = factories.TagFactory(name="Needles", slug="needles")
    existing = factories.PostFactory(title="Already here")
    existing.tags.add(pain)
    with related.refreshed_once():
        posts = [factories.PostFactory(title=f"Imported {n}") for n in range(4)]
        for post in posts:
            post.tags.add(pain)
        posts[0].tags.add(needles)
        posts[1].tags.add(needles)
        assert stored(posts[0]) == [] and stored(existing) == []  # not yet
    for post in [*posts, existing]:
        assert stored(post) == related.candidates(post.pk), post.title
    assert stored(posts[0])[0] == posts[1].pk  # two shared tags rank first
    assert posts[0].pk in stored(existing)  # an article already here, in their lists, moved on


def test_refreshed_once_still_refreshes_when_the_block_fails(db, pain):
    with pytest.raises(RuntimeError), related.refreshed_once():
        one, two = factories.PostFactory(), factories.PostFactory()
        pain.posts.add(one, two)
        raise RuntimeError("the import stopped")
    assert stored(one) == [two.pk] and stored(two) == [one.pk]
