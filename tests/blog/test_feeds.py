"""RSS and Atom feeds: the site, a topic, a condition; full content with the references."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314


@pytest.fixture
def article(db):
    post = factories.PostFactory(
        title="Acupuncture & back pain",
        slug="acupuncture-back-pain",
        body="Acupuncture helps some people [@cherkin2009].",
    )
    factories.attach(post, factories.ReferenceFactory(key="cherkin2009", title="A back trial"))
    post.tags.add(factories.TagFactory(name="Pain", slug="pain"))
    post.conditions.add(factories.ConditionFactory(name="Back pain", slug="back-pain"))
    return post


def test_rss_feed_has_full_content_and_references(client, article):
    response = client.get(reverse("feeds:posts"))
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert channel.findtext("title") == "Riverside Medical Acupuncture: articles"
    assert channel.findtext("link") == "http://127.0.0.1:8000/blog/"
    [item] = channel.findall("item")
    assert item.findtext("title") == "Acupuncture & back pain"
    assert item.findtext("link") == "http://127.0.0.1:8000/blog/acupuncture-back-pain/"
    assert item.findtext("category") == "Pain"
    description = item.findtext("description")
    assert "Acupuncture helps some people" in description
    assert "<h2>References</h2>" in description and "A back trial" in description
    assert 'href="#ref-1"' in description


def test_atom_feed(client, article):
    root = parse(client.get(reverse("feeds:posts_atom")))
    assert root.tag == f"{ATOM}feed"
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Acupuncture & back pain"
    assert entry.find(f"{ATOM}link").get("href") == (
        "http://127.0.0.1:8000/blog/acupuncture-back-pain/"
    )
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Dr Helen Marsh MBChB MRCGP"
    assert "A back trial" in entry.findtext(f"{ATOM}summary")
    assert entry.findtext(f"{ATOM}updated")


@pytest.mark.parametrize(
    ("name", "slug"), [("feeds:tag", "pain"), ("feeds:condition", "back-pain")]
)
def test_topic_and_condition_feeds_list_only_their_articles(client, article, name, slug):
    factories.PostFactory(title="Unrelated article")
    items = parse(client.get(reverse(name, args=[slug]))).find("channel").findall("item")
    assert [item.findtext("title") for item in items] == ["Acupuncture & back pain"]
    atom = parse(client.get(reverse(f"{name}_atom", args=[slug])))
    assert len(atom.findall(f"{ATOM}entry")) == 1


def test_unknown_or_unpublished_feed_objects_are_404(client, db):
    factories.ConditionFactory(slug="hidden", status=Status.DRAFT)
    assert client.get(reverse("feeds:condition", args=["hidden"])).status_code == 404
    assert client.get(reverse("feeds:tag", args=["nope"])).status_code == 404


def test_feeds_are_advertised_in_the_page_head(client, article):
    home = client.get(reverse("clinic:home")).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    condition = client.get("/conditions/back-pain/").content.decode()
    assert 'href="/conditions/back-pain/feed/atom/"' in condition
    tag = client.get("/blog/tag/pain/").content.decode()
    assert 'href="/blog/tag/pain/feed/"' in tag


@pytest.mark.parametrize("count", [1, 30])
def test_feed_query_count_is_constant(client, db, django_assert_num_queries, count):
    """Guards the N+1s of each item's author, tags and patients' questions: settings, posts,
    tags, approved questions (one query for every entry)."""
    for post in factories.PostFactory.create_batch(count):
        post.tags.add(factories.TagFactory(slug="pain", name="Pain"))
    with django_assert_num_queries(4):
        assert client.get(reverse("feeds:posts")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("feeds:tag_atom", args=["pain"])).status_code == 200
