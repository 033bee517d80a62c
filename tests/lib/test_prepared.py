"""clinic/lib/prepared.py: the SQL compiled once gives the rows the queryset gives, for every
value, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from blog.models import Post
from clinic.lib.prepared import Prepared
from tests import factories


def by_slug_with_previous(*, slug, now):
    published = Post.objects.published(at=now)
    previous = published.filter(published_at__lt=OuterRef("published_at")).order_by("-published_at")
    return (
        published.filter(slug=slug)
        .annotate(previous_title=Subquery(previous.values("title")[:1]))
        .only("title", "published_at", "related_ids")
    )


@pytest.fixture
def posts(db):
    now = timezone.now()
    return [
        factories.PostFactory(
            title=f"Article {n}", slug=f"a{n}", published_at=now - datetime.timedelta(days=n)
        )
        for n in range(1, 4)
    ]


def test_the_same_rows_as_the_queryset_for_each_value(posts):
    prepared = Prepared(by_slug_with_previous)
    now = timezone.now()
    for slug in ("a1", "a2", "a3", "nope"):
        expected = list(by_slug_with_previous(slug=slug, now=now))
        got = prepared.raw(slug=slug, now=now)
        assert [(p.pk, p.title, p.published_at, p.previous_title) for p in got] == [
            (p.pk, p.title, p.published_at, p.previous_title) for p in expected
        ]
    # Converted as a queryset converts (JSON, dates), and the rest deferred, loaded on access.
    row = prepared.raw(slug="a1", now=now)[0]
    assert row.related_ids == [] and row.published_at.tzinfo is not None
    assert row.get_deferred_fields() >= {"body", "summary"}
    assert row.summary == "A short summary of the article."


def test_values_are_the_same_rows_as_dictionaries(posts):
    """values(): the fields selected and the annotations, converted, without model instances."""
    prepared = Prepared(by_slug_with_previous)
    now = timezone.now()
    [row] = prepared.values(slug="a2", now=now)
    [post] = by_slug_with_previous(slug="a2", now=now)
    assert row == {
        "id": post.pk,
        "title": "Article 2",
        "published_at": post.published_at,
        "related_ids": [],
        "previous_title": "Article 3",
    }
    assert prepared.values(slug="nope", now=now) == []


def test_the_moment_is_a_value_too(posts):
    """A scheduled article appears when the moment passed in passes its time, not before."""
    prepared = Prepared(by_slug_with_previous)
    first = posts[0].published_at
    assert prepared.raw(slug="a1", now=first - datetime.timedelta(seconds=1)) == []
    assert [p.pk for p in prepared.raw(slug="a1", now=first)] == [posts[0].pk]


def test_lists_of_each_length(posts):
    def by_ids(*, ids, now):
        return Post.objects.published(at=now).filter(pk__in=ids).order_by("pk")

    prepared = Prepared(by_ids)
    now = timezone.now()
    pks = [post.pk for post in posts]
    for ids in ([], pks[:1], pks, pks[::-1], [pks[0], 10**9]):
        assert [p.pk for p in prepared.raw(ids=ids, now=now)] == sorted(set(ids) & set(pks))


def test_unsupported_values_are_refused(db):
    with pytest.raises(TypeError):
        Prepared(lambda *, flag: Post.objects.filter(pk=1)).raw(flag=True)


def test_each_call_is_one_query_that_django_counts(posts, django_assert_num_queries):
    """Run through Django's cursor (query counts, the request log, errors wrapped as Django's),
    also where it is a prepared statement."""
    prepared = Prepared(by_slug_with_previous)
    now = timezone.now()
    for n in (1, 2):
        with django_assert_num_queries(1) as captured:
            assert [post.title for post in prepared.raw(slug=f"a{n}", now=now)] == [f"Article {n}"]
        assert "blog_post" in captured.captured_queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_postgresql_plans_it_once_per_connection(posts):
    """The same prepared statement serves every call: parsed and planned once, then only run."""
    prepared = Prepared(by_slug_with_previous)
    now = timezone.now()
    for slug in ("a1", "a2", "a3"):
        prepared.raw(slug=slug, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE NOT from_sql AND statement LIKE %s",
            ["%previous_title%"],
        )
        assert cursor.fetchall() == [(3,)]


def test_rows_of_a_values_list_union(posts):
    """rows(): the tuples a values_list() queryset gives, here a UNION of two filters."""

    def titles(*, first, rest, now):
        published = Post.objects.published(at=now).order_by()
        one = published.filter(slug=first).values_list("pk", "title")
        others = published.filter(pk__in=rest).values_list("pk", "title")
        return one.union(others, all=True).order_by("-pk")

    prepared = Prepared(titles)
    now = timezone.now()
    pks = [post.pk for post in posts]
    for first, rest in [("a1", pks[1:]), ("a3", [pks[0], 0]), ("nope", [0, 0])]:
        expected = list(titles(first=first, rest=rest, now=now))
        assert prepared.rows(first=first, rest=rest, now=now) == expected
    assert prepared.rows(first="a1", rest=[], now=now) == [(pks[0], "Article 1")]
