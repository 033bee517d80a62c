"""A condition page's newest articles, kept on save (blog/condition_articles.py)."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from blog.models import Post
from clinic.pages import workflow
from conditions.models import Condition
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def shown(client, condition):
    html = client.get(condition.get_absolute_url()).content.decode()
    return list(dict.fromkeys(re.findall(r"Article number \d+", html)))


def expected(condition):
    """What a query over every article would show: the six newest published ones."""
    return [post.title for post in condition.posts.published()[:6]]


def test_publish_unpublish_move_relink_and_delete_keep_the_list(client, personas):
    condition = factories.ConditionFactory()
    posts = [factories.PostFactory(published_at=days_ago(10 * n)) for n in range(8)]
    for post in posts:
        post.conditions.add(condition)
    condition.refresh_from_db()
    assert condition.article_ids == [post.pk for post in posts]
    assert shown(client, condition) == expected(condition) == [p.title for p in posts[:6]]
    workflow.unpublish(page=posts[0], by=personas.editor)
    assert shown(client, condition) == expected(condition) == [p.title for p in posts[1:7]]
    posts[7].published_at = days_ago(1)  # moved to the top
    posts[7].save()
    assert shown(client, condition)[0] == posts[7].title
    posts[1].conditions.remove(condition)
    posts[2].delete()
    assert shown(client, condition) == expected(condition)
    assert posts[1].title not in shown(client, condition)
    condition.posts.clear()
    assert shown(client, condition) == []
    condition.posts.add(posts[3])
    assert shown(client, condition) == [posts[3].title]


def test_a_full_list_of_scheduled_articles_still_shows_the_live_ones(client, db):
    condition = factories.ConditionFactory()
    live = factories.PostFactory(published_at=days_ago(3))
    live.conditions.add(condition)
    for days in range(1, Condition.ARTICLES_STORED + 1):
        factories.PostFactory(published_at=timezone.now() + datetime.timedelta(days=days))
    for post in Post.objects.exclude(pk=live.pk):
        post.conditions.add(condition)
    condition.refresh_from_db()
    assert live.pk not in condition.article_ids  # twelve scheduled ones fill the list
    assert shown(client, condition) == [live.title]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2, hours=1)):
        # Two scheduled articles are live now, nothing saved meanwhile.
        assert shown(client, condition) == expected(condition)
        assert len(shown(client, condition)) == 3


@pytest.mark.parametrize("count", [5, 50])
def test_condition_page_queries_are_the_same_at_any_size(
    client, db, django_assert_num_queries, count
):
    """Guards the join over every article of the page: settings, the condition, its newest
    articles by id."""
    condition = factories.ConditionFactory()
    for n in range(count):
        factories.PostFactory(published_at=days_ago(n + 1)).conditions.add(condition)
    with django_assert_num_queries(3):
        assert client.get(condition.get_absolute_url()).status_code == 200
    assert shown(client, condition) == expected(condition)


def test_saving_a_condition_loaded_earlier_keeps_the_list(client, db):
    """An editor's save of the page (loaded before an article about it changed) does not put
    back its old copy of the list."""
    condition = factories.ConditionFactory()
    stale = Condition.objects.get(pk=condition.pk)
    post = factories.PostFactory()
    post.conditions.add(condition)
    stale.name = "Renamed"
    stale.save()
    condition.refresh_from_db()
    assert condition.name == "Renamed"
    assert condition.article_ids == [post.pk]
    assert shown(client, condition) == [post.title]
