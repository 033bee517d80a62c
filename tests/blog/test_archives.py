"""Archives by year and month, previous/next and related articles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


def at(year, month, day=15):
    return timezone.make_aware(datetime.datetime(year, month, day, 9, 0))


def test_year_and_month_archives(client, db):
    factories.PostFactory(title="March 2024", published_at=at(2024, 3))
    factories.PostFactory(title="May 2024", published_at=at(2024, 5))
    factories.PostFactory(title="May 2023", published_at=at(2023, 5))
    year = client.get(reverse("blog:archive_year", args=["2024"])).content.decode()
    assert "<h1>Articles from 2024</h1>" in year
    assert "March 2024" in year and "May 2024" in year and "May 2023" not in year
    assert '<a href="/blog/2024/03/">March</a>' in year
    assert '<a href="/blog/2024/05/">May</a>' in year
    month = client.get(reverse("blog:archive_month", args=["2024", "05"])).content.decode()
    assert "<h1>Articles from May 2024</h1>" in month
    assert "May 2024" in month and "March 2024" not in month
    index = client.get(reverse("blog:index")).content.decode()
    assert '<a href="/blog/2024/">2024</a>' in index and '<a href="/blog/2023/">2023</a>' in index


def test_empty_or_impossible_archives_are_404(client, db):
    factories.PostFactory(published_at=at(2024, 3))
    assert client.get("/blog/2024/03/").status_code == 200  # the control
    assert client.get("/blog/2019/").status_code == 404
    assert client.get("/blog/2024/04/").status_code == 404
    assert client.get("/blog/2024/13/").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_archive_query_counts(client, db, django_assert_num_queries, count):
    """Guards the N+1 of each teaser's author: settings, the stored months, this month's live
    count, the page (counts and months come from blog/archive.py, never from the articles)."""
    factories.PostFactory.create_batch(count, published_at=at(2024, 3))
    with django_assert_num_queries(4):
        assert client.get("/blog/2024/").status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/blog/2024/03/").status_code == 200


def test_archives_hide_unpublished(client, db):
    factories.PostFactory(title="Public", published_at=at(2024, 3))
    factories.PostFactory(title="Draft", status=Status.DRAFT, published_at=at(2024, 3))
    factories.PostFactory(title="Only draft", status=Status.DRAFT, published_at=at(2022, 3))
    html = client.get("/blog/2024/").content.decode()
    assert "Public" in html and "Draft" not in html
    month = client.get("/blog/2024/03/")
    assert month.status_code == 200
    assert "Public" in month.content.decode() and "Draft" not in month.content.decode()
    assert client.get("/blog/2022/").status_code == 404
    assert "/blog/2022/" not in client.get(reverse("blog:index")).content.decode()


def test_previous_and_next_skip_unpublished(client, db):
    first = factories.PostFactory(title="First", published_at=at(2024, 1))
    factories.PostFactory(title="Draft between", status=Status.DRAFT, published_at=at(2024, 2))
    second = factories.PostFactory(title="Second", published_at=at(2024, 3))
    third = factories.PostFactory(title="Third", published_at=at(2024, 4))
    html = client.get(second.get_absolute_url()).content.decode()
    assert f'<a href="{first.get_absolute_url()}" rel="prev">' in html
    assert f'<a class="next" href="{third.get_absolute_url()}" rel="next">' in html
    assert "Draft between" not in html
    first_html = client.get(first.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first_html and 'rel="next"' in first_html


def test_related_articles_share_tags_and_conditions(client, db):
    pain = factories.TagFactory(name="Pain", slug="pain")
    needles = factories.TagFactory(name="Needles", slug="needles")
    back = factories.ConditionFactory(name="Back pain", slug="back-pain")
    post = factories.PostFactory(title="Main", published_at=at(2024, 1))
    post.tags.set([pain, needles])
    post.conditions.set([back])
    best = factories.PostFactory(title="Shares three", published_at=at(2020, 1))
    best.tags.set([pain, needles])
    best.conditions.set([back])
    one = factories.PostFactory(title="Shares one", published_at=at(2023, 1))
    one.tags.set([pain])
    hidden = factories.PostFactory(title="Hidden shares", status=Status.DRAFT)
    hidden.tags.set([pain, needles])
    factories.PostFactory(title="Shares nothing", published_at=at(2019, 1))
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Related articles" in html
    related = html.split("Related articles", 1)[1]
    assert related.index("Shares three") < related.index("Shares one")
    assert "Hidden shares" not in html


def test_reading_time_and_clean_excerpts(client, db):
    post = factories.PostFactory(summary="", body="Acupuncture helps [@ref0]. " + "word " * 600)
    factories.attach(post, factories.ReferenceFactory(key="ref0"))
    post.refresh_from_db()
    assert post.reading_minutes == 3
    assert post.excerpt.endswith("word…")
    assert "[" not in post.excerpt
    html = client.get(reverse("blog:index")).content.decode()
    assert "3 min read" in html
