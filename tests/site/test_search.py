"""Search: one box over articles and condition pages, published only, on SQLite and PostgreSQL."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clinic.pages.publishing import Status
from clinic.site import search
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")

NOT_PUBLIC = [
    {"status": Status.DRAFT},
    {"status": Status.IN_REVIEW},
    {"status": Status.CHANGES_REQUESTED},
    {"status": Status.UNPUBLISHED},
    {"status": Status.PUBLISHED, "published_at": None},
]


def get(client, query):
    return client.get(reverse("clinic:search"), {"q": query})


@pytest.fixture
def back_pain(db):
    return factories.ConditionFactory(
        name="Back pain",
        slug="back-pain",
        alternative_names="lumbago, lower back ache",
        summary="Back pain is common and usually gets better within weeks.",
        overview="Most back pain is not caused by anything serious.",
        when_to_seek_help="::: emergency\n- numbness around your bottom\n:::",
    )


def test_alternative_name_finds_the_condition(client, back_pain):
    response = get(client, "lumbago")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/conditions/back-pain/">Back pain</a>' in html
    assert "also called lumbago, lower back ache" in html


def test_title_ranks_above_summary_above_body(client, db):
    body = factories.PostFactory(title="Sleep", summary="Rest.", body="Needles and **migraine**.")
    summary = factories.PostFactory(title="Headaches", summary="About migraine.", body="Text.")
    title = factories.PostFactory(title="Migraine explained", summary="Rest.", body="Text.")
    titles = [result.title for result in search.search("migraine")]
    assert titles == [title.title, summary.title, body.title]


def test_every_word_must_match_and_snippets_are_highlighted(client, db):
    factories.PostFactory(
        title="Knees",
        body="Acupuncture for knee osteoarthritis helped some patients walk further [@ref0].",
    )
    factories.PostFactory(title="Other", body="Acupuncture for stress.")
    html = get(client, "knee osteoarthritis").content.decode()
    assert ">Knees</a>" in html and ">Other</a>" not in html
    assert "<mark>osteoarthritis</mark>" in html
    assert "[@ref0]" not in html and "[1]" not in html
    assert "1 result" in html


def test_snippet_is_escaped_before_marking(client, db):
    factories.PostFactory(title="Escapes", body="Use `<script>alert(1)</script>` with acupuncture.")
    html = get(client, "acupuncture").content.decode()
    assert "<script>alert" not in html
    assert "<mark>" in html


def test_query_is_escaped_on_the_page(client, db):
    html = get(client, '"><img src=x onerror=alert(1)>').content.decode()
    assert "<img src=x" not in html
    assert "We found nothing" in html


def test_no_results_page_offers_suggestions(client, back_pain):
    response = get(client, "lumbgo")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We found nothing for “lumbgo”" in html
    assert '<a href="/conditions/back-pain/">lumbago</a>' in html
    assert 'href="/conditions/"' in html


def test_empty_query_shows_the_form_only(client, db):
    html = get(client, "   ").content.decode()
    assert 'role="search"' in html
    assert "We found nothing" not in html


@pytest.mark.parametrize("fields", NOT_PUBLIC)
def test_only_published_content_is_found(client, db, fields):
    factories.PostFactory(title="Hidden acupuncture article", **fields)
    factories.ConditionFactory(name="Hidden acupuncture condition", **fields)
    factories.PostFactory(title="Visible acupuncture article")
    html = get(client, "acupuncture").content.decode()
    assert "Visible acupuncture article" in html
    assert "Hidden" not in html


@pytest.mark.parametrize("count", [1, 30])
def test_search_query_count_is_constant(client, db, django_assert_num_queries, count):
    """Guards an N+1 per result (authors, conditions, snippets): the body window's start (the
    monthly counts), then on PostgreSQL both kinds ranked in one query and the rows shown read
    in another (on SQLite conditions, then articles), and the settings."""
    factories.PostFactory.create_batch(count, body="About acupuncture.")
    factories.ConditionFactory.create_batch(count, overview="About acupuncture.")
    with django_assert_num_queries(4):
        response = get(client, "acupuncture")
    assert response.content.decode().count('class="result"') == min(2 * count, 30)


def test_no_results_query_count(client, back_pain, django_assert_num_queries):
    """On PostgreSQL both kinds are ranked in one query, and with nothing found no row is read;
    on SQLite each kind is asked apart. Then the suggestions' conditions and the settings."""
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        assert get(client, "zzzz").status_code == 200


def test_search_box_is_on_every_page(client, db, back_pain):
    post = factories.PostFactory()
    tag = factories.TagFactory()
    post.tags.add(tag)
    pages = {
        reverse("clinic:home"): 200,
        reverse("clinic:about"): 200,
        reverse("clinic:search") + "?q=back": 200,
        reverse("blog:index"): 200,
        post.get_absolute_url(): 200,
        tag.get_absolute_url(): 200,
        post.author.get_absolute_url(): 200,
        reverse("conditions:index"): 200,
        back_pain.get_absolute_url(): 200,
        "/no-such-page/": 404,
    }
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        html = response.content.decode()
        assert 'action="/search/"' in html, url
        assert '<label class="visually-hidden" for="header-q">' in html, url


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_stems_words(client, back_pain):
    # "aches" and "ache" share a stem only with full-text search.
    html = get(client, "aches").content.decode()
    assert "Back pain" in html


def test_search_ranks_a_bounded_set_and_still_finds_the_best_match(db, monkeypatch):
    """Newer body-only matches beyond the bound are not ranked; an old title match still wins."""
    monkeypatch.setattr(search, "HEADING_CANDIDATES", 2)
    monkeypatch.setattr(search, "BODY_CANDIDATES", 3)
    now = timezone.now()
    best = factories.PostFactory(
        title="Migraine explained", body="Text.", published_at=now - datetime.timedelta(days=400)
    )
    oldest_body = factories.PostFactory(
        title="Old body match",
        body="Migraine migraine migraine migraine.",
        published_at=now - datetime.timedelta(days=300),
    )
    for day in range(5):
        factories.PostFactory(
            title=f"Newer body match {day}",
            body="Needles and migraine.",
            published_at=now - datetime.timedelta(days=day + 1),
        )
    titles = [result.title for result in search.search("migraine")]
    assert titles[0] == best.title
    # The best match, then the newest three body matches; older body matches are not ranked.
    assert len(titles) == 1 + 3
    assert oldest_body.title not in titles
    assert set(titles[1:]) == {f"Newer body match {day}" for day in range(3)}


def test_body_matches_come_from_the_newest_articles_heading_matches_from_all(
    client, db, monkeypatch
):
    """Only the newest BODY_WINDOW articles (whole months) are searched for words in the body
    alone; an old article with the words in its title is still found."""
    monkeypatch.setattr(search, "BODY_WINDOW", 3)
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    factories.PostFactory(title="Old title about moxibustion", published_at=old)
    factories.PostFactory(title="Old body match", body="Moxibustion inside.", published_at=old)
    for n in range(3):
        factories.PostFactory(title=f"Recent {n}", body="Moxibustion again.", published_at=now)
    titles = [result.title for result in search.search("moxibustion")]
    assert "Old title about moxibustion" in titles
    assert {"Recent 0", "Recent 1", "Recent 2"} <= set(titles)
    assert "Old body match" not in titles
    monkeypatch.setattr(search, "BODY_WINDOW", 10)  # the control: within the window, found
    assert "Old body match" in [result.title for result in search.search("moxibustion")]


FILLER = " ".join(f"word{n}" for n in range(700))  # about 5,600 characters


def snippet_of(client, query, title):
    """The snippet under the result called `title`, its `<mark>` tags kept."""
    html = get(client, query).content.decode()
    found = re.search(rf">{re.escape(title)}</a></h2>.*?<p class=\"snippet\">(.*?)</p>", html, re.S)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize("word", ["moxibustion", "Moxibustion"])
def test_snippet_quotes_where_the_word_is_in_a_long_text(client, db, word):
    """Snippets are made from a window of the text: it must be where the word is, even near
    the end of a long text and at the start of a sentence (capitalised)."""
    factories.ConditionFactory(
        name="Long page", overview=f"{FILLER}. {word} warms the skin. {FILLER}."
    )
    snippet = snippet_of(client, "moxibustion", "Long page")
    assert f"<mark>{word}</mark> warms the skin" in snippet


def test_snippet_starts_with_a_whole_word(client, db):
    """Long words before the last one: the snippet reaches back to the window's first word."""
    words = [f"{'x' * 25}{n:04d}" for n in range(300)]
    factories.ConditionFactory(
        name="Long words", overview=" ".join(words) + " moxibustion.", symptoms=""
    )
    snippet = snippet_of(client, "moxibustion", "Long words")
    assert snippet.endswith("<mark>moxibustion</mark>."), snippet
    assert snippet.removeprefix("…").split()[0] in words, snippet


def test_snippet_of_a_word_only_in_the_heading_is_the_marked_summary(client, db):
    factories.PostFactory(
        title="Moxibustion explained", summary="What moxibustion is.", body="Warmth and herbs."
    )
    snippet = snippet_of(client, "moxibustion", "Moxibustion explained")
    assert snippet == "What <mark>moxibustion</mark> is."


def test_equal_ranks_put_condition_pages_first_then_titles(db, monkeypatch):
    """Also when choosing which results make the cut (here the best two of four)."""
    monkeypatch.setattr(search, "MAX_RESULTS", 2)
    for title in ["Moxibustion B", "Moxibustion A"]:
        factories.PostFactory(title=title, summary="Same.", body="Same.")
        factories.ConditionFactory(name=title, summary="Same.", overview="Same.")
    results = [(result.kind, result.title) for result in search.search("moxibustion")]
    assert results == [("condition", "Moxibustion A"), ("condition", "Moxibustion B")]


def test_results_link_to_the_pages_and_say_when_an_article_appeared(client, back_pain):
    post = factories.PostFactory(title="Lumbago and needles", body="About lumbago.")
    html = get(client, "lumbago").content.decode()
    local = timezone.localtime(post.published_at)
    assert f'<a href="{post.get_absolute_url()}">Lumbago and needles</a>' in html
    assert f'<a href="{back_pain.get_absolute_url()}">Back pain</a>' in html
    assert (
        f'Article · <time datetime="{local.isoformat()}">{date_format(local, "j F Y")}</time>'
        in html
    )


def test_titles_and_other_names_are_escaped(client, db):
    factories.PostFactory(title='Moxa & "needles" <b>', body="About moxibustion.")
    factories.ConditionFactory(name="Moxibustion burns", alternative_names='<i>moxa</i> & "heat"')
    html = get(client, "moxibustion").content.decode()
    assert "Moxa &amp; &quot;needles&quot; &lt;b&gt;</a>" in html
    assert "also called &lt;i&gt;moxa&lt;/i&gt; &amp; &quot;heat&quot;</p>" in html
