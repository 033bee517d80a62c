"""sitemap.xml and robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.pages.publishing import Status
from clinic.site import sitemaps
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314


def sitemap_urls(client):
    """The sitemaps sitemap.xml lists (one per section, and each further page)."""
    return [item.findtext(f"{NS}loc") for item in parse(client, reverse("sitemap"))]


def entries(client):
    """Every page listed in every sitemap of the index."""
    found = {}
    for location in sitemap_urls(client):
        root = parse(client, location.split("127.0.0.1:8000", 1)[-1])
        found.update({url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root})
    return found


def test_sitemap_lists_published_pages_with_last_modified(client, db):
    post = factories.PostFactory(slug="visible")
    post.tags.add(factories.TagFactory(slug="pain"))
    factories.ConditionFactory(slug="back-pain")
    factories.PostFactory(slug="draft", status=Status.DRAFT).tags.add(
        factories.TagFactory(slug="only-drafts")
    )
    factories.ConditionFactory(slug="hidden", status=Status.IN_REVIEW)
    found = entries(client)
    base = "http://127.0.0.1:8000"
    assert f"{base}/" in found and f"{base}/conditions/" in found
    assert found[f"{base}/blog/visible/"] == post.updated_at.date().isoformat()
    assert found[f"{base}/conditions/back-pain/"]
    assert f"{base}/blog/tag/pain/" in found
    assert f"{base}/practitioners/helen-marsh/" in found
    assert not [url for url in found if "draft" in url or "hidden" in url]


def test_sitemap_uses_site_url_whatever_the_host(client, db, settings):
    settings.SITE_URL = "https://clinic.example"
    factories.PostFactory(slug="visible")
    assert sitemap_urls(client)[0].startswith("https://clinic.example/sitemap-")
    response = client.get(reverse("sitemap-section", args=["articles"]))
    assert b"<loc>https://clinic.example/blog/visible/</loc>" in response.content


def test_articles_come_in_pages_of_the_index(client, db, settings, monkeypatch):
    """Each page of the articles' sitemap holds ARTICLES_PER_SITEMAP, newest first, paged from
    the monthly counts; together they list every published article once."""
    monkeypatch.setattr(sitemaps.PostSitemap, "limit", 4)
    posts = [
        factories.PostFactory(published_at=timezone.now() - datetime.timedelta(days=20 * n))
        for n in range(10)
    ]
    factories.PostFactory(slug="draft", status=Status.DRAFT)
    articles = [url for url in sitemap_urls(client) if "sitemap-articles" in url]
    assert [url.rsplit("/", 1)[1] for url in articles] == [
        "sitemap-articles.xml",
        "sitemap-articles.xml?p=2",
        "sitemap-articles.xml?p=3",
    ]
    listed = []
    for url in articles:
        root = parse(client, url.split("127.0.0.1:8000", 1)[1])
        listed += [item.findtext(f"{NS}loc").rsplit("/", 2)[1] for item in root]
    assert listed == [post.slug for post in posts]
    assert client.get(reverse("sitemap-section", args=["articles"]) + "?p=4").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_sitemap_query_count_is_constant(client, db, django_assert_num_queries, count):
    """Guards an N+1 per page listed (its author, its tags) and a count of every article: the
    index asks each section for its pages (articles: the monthly counts, 2 queries), each
    section's sitemap for its items."""
    factories.PostFactory.create_batch(count)
    factories.ConditionFactory.create_batch(count)
    # conditions' dates and count, articles' monthly counts (2), topics' count, practitioners'
    # dates and count
    with django_assert_num_queries(7):
        sitemap_urls(client)
    with django_assert_num_queries(3):  # the monthly counts, the page of articles
        parse(client, reverse("sitemap-section", args=["articles"]))
    with django_assert_num_queries(1):
        parse(client, reverse("sitemap-section", args=["topics"]))


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /search/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "admin" not in text
