"""sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entries(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root}


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
    found = entries(client)
    assert "https://clinic.example/blog/visible/" in found


@pytest.mark.parametrize("count", [1, 30])
def test_sitemap_query_count_is_constant(client, db, django_assert_num_queries, count):
    """Guards an N+1 per page listed (its author, its tags): the paginator's count and one page
    per section with items, the same number whatever the number of pages."""
    factories.PostFactory.create_batch(count)
    factories.ConditionFactory.create_batch(count)
    with django_assert_num_queries(7):
        entries(client)


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /search/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "admin" not in text
