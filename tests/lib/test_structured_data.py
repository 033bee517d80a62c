"""schema.org JSON-LD and the meta tags search engines and sharing read."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from clinic.lib import structured_data
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


def json_ld(html):
    [text] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(text)


def check_person(person):
    assert person["@type"] == "Person"
    assert isinstance(person["name"], str) and person["name"]
    assert person["url"].startswith("http://127.0.0.1:8000/practitioners/")
    for credential in person.get("hasCredential", []):
        assert credential["@type"] == "EducationalOccupationalCredential"
        assert isinstance(credential["name"], str)


def check_common(data, url):
    assert data["@context"] == "https://schema.org"
    assert data["url"] == url
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert data["publisher"]["@type"] == "MedicalClinic"
    assert data["publisher"]["name"] == "Riverside Medical Acupuncture"
    assert isinstance(data["description"], str) and data["description"]
    datetime.datetime.fromisoformat(data["datePublished"])
    datetime.datetime.fromisoformat(data["dateModified"])
    assert isinstance(data["citation"], list)
    for item in data["citation"]:
        assert item["@type"] in {"ScholarlyArticle", "CreativeWork"}
        assert isinstance(item["name"], str) and item["name"]


@pytest.fixture
def reviewed(db, personas):
    """A page reviewed by a second practitioner (the workflow's "mark as reviewed")."""

    def review(page):
        page.medically_reviewed_by = factories.PractitionerFactory(
            name="Omar Patel", slug="omar-patel"
        )
        page.last_reviewed = datetime.date(2026, 1, 5)
        page.save()
        return page

    return review


def test_condition_page_is_a_medical_web_page(client, personas, reviewed):
    condition = factories.ConditionFactory(
        name="Back pain",
        slug="back-pain",
        alternative_names="lumbago, sciatica",
        overview="Claim [@trial1]. Another [@review1].",
        created_by=personas.practitioner_user,
    )
    factories.attach(
        condition,
        factories.ReferenceFactory(key="trial1", title="Trial one", doi="10.1000/one"),
        factories.ReferenceFactory(key="review1", title="Review one", type="book"),
    )
    reviewed(condition)
    data = json_ld(client.get(condition.get_absolute_url()).content.decode())
    assert data["@type"] == "MedicalWebPage"
    check_common(data, "http://127.0.0.1:8000/conditions/back-pain/")
    assert data["about"] == {
        "@type": "MedicalCondition",
        "name": "Back pain",
        "alternateName": ["lumbago", "sciatica"],
    }
    assert [item["name"] for item in data["citation"]] == ["Trial one", "Review one"]
    # A journal article is a ScholarlyArticle; anything else (here a book) a CreativeWork.
    assert [item["@type"] for item in data["citation"]] == ["ScholarlyArticle", "CreativeWork"]
    assert data["citation"][0]["url"] == "https://doi.org/10.1000/one"
    check_person(data["author"])
    assert data["author"]["name"] == "Dr Helen Marsh"
    check_person(data["reviewedBy"])
    assert data["reviewedBy"]["name"] == "Dr Omar Patel"
    assert data["lastReviewed"] == "2026-01-05"


def test_article_is_a_blog_posting(client, db, reviewed):
    post = factories.PostFactory(title="Needles and nerves", slug="needles", body="[@a1]")
    factories.attach(post, factories.ReferenceFactory(key="a1", title="Nerve study"))
    reviewed(post)
    data = json_ld(client.get(post.get_absolute_url()).content.decode())
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Needles and nerves"
    check_common(data, "http://127.0.0.1:8000/blog/needles/")
    check_person(data["author"])
    credentials = [item["name"] for item in data["author"]["hasCredential"]]
    assert "Registered with the General Medical Council, number 0000000" in credentials
    assert data["reviewedBy"]["name"] == "Dr Omar Patel"
    assert [item["name"] for item in data["citation"]] == ["Nerve study"]


def test_unreviewed_page_has_no_review_claims(client, db):
    post = factories.PostFactory()
    data = json_ld(client.get(post.get_absolute_url()).content.decode())
    assert "reviewedBy" not in data and "lastReviewed" not in data
    assert data["citation"] == []


def test_json_ld_cannot_be_broken_out_of(client, db):
    post = factories.PostFactory(title="</script><script>alert(1)</script>", summary="a & b")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    data = json_ld(html)
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b"


def test_to_script_escapes_markup():
    script = structured_data.to_script({"name": "</script>&"})
    assert script == (
        '<script type="application/ld+json">{"name":"\\u003c/script\\u003e\\u0026"}</script>'
    )


def test_article_meta_tags(client, db):
    post = factories.PostFactory(title="Needles", slug="needles", summary="About needles.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/blog/needles/">' in html
    assert '<meta name="description" content="About needles.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Needles">' in html
    assert '<meta property="og:description" content="About needles.">' in html
    assert '<meta property="og:url" content="http://127.0.0.1:8000/blog/needles/">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="article:published_time"' in html


def test_list_pages_have_canonical_and_open_graph(client, db):
    html = client.get(reverse("conditions:index")).content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/conditions/">' in html
    assert '<meta property="og:type" content="website">' in html


def test_404_has_no_canonical(client, db):
    html = client.get("/blog/nothing-here/").content.decode()
    assert 'rel="canonical"' not in html
    assert '<meta name="robots" content="noindex">' in html
