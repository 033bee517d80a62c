"""Search: one box over articles and condition pages, published only, on SQLite and PostgreSQL."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from blog import search_window
from blog.models import Post
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
    titles = [result.title for result in search.search("migraine").results]
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
    """Guards an N+1 per result (authors, conditions, snippets): on PostgreSQL the whole search
    is one statement (on SQLite conditions, then articles), then the settings."""
    factories.PostFactory.create_batch(count, body="About acupuncture.")
    factories.ConditionFactory.create_batch(count, overview="About acupuncture.")
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        response = get(client, "acupuncture")
    assert response.content.decode().count('class="result"') == min(2 * count, search.PAGE_SIZE)


def test_no_results_query_count(client, back_pain, django_assert_num_queries):
    """The search (one statement on PostgreSQL, one per kind on SQLite), the suggestions'
    conditions and the settings."""
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 4):
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
    titles = [result.title for result in search.search("migraine").results]
    assert titles[0] == best.title
    # The best match, then the newest three body matches; older body matches are not ranked.
    assert len(titles) == 1 + 3
    assert oldest_body.title not in titles
    assert set(titles[1:]) == {f"Newer body match {day}" for day in range(3)}


def test_body_matches_come_from_the_newest_articles_heading_matches_from_all(
    client, db, monkeypatch
):
    """Only the newest WINDOW articles (kept on save) are searched for words in the body alone;
    an old article with the words in its title is still found."""
    monkeypatch.setattr(search_window, "WINDOW", 3)
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    factories.PostFactory(title="Old title about moxibustion", published_at=old)
    factories.PostFactory(title="Old body match", body="Moxibustion inside.", published_at=old)
    for n in range(3):
        factories.PostFactory(title=f"Recent {n}", body="Moxibustion again.", published_at=now)
    titles = [result.title for result in search.search("moxibustion").results]
    assert "Old title about moxibustion" in titles
    assert {"Recent 0", "Recent 1", "Recent 2"} <= set(titles)
    assert "Old body match" not in titles
    monkeypatch.setattr(search_window, "WINDOW", 10)  # the control: within the window, found
    search_window.update()
    assert "Old body match" in [result.title for result in search.search("moxibustion").results]


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
    """Also when choosing which results make the page (here the best two of four)."""
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for title in ["Moxibustion B", "Moxibustion A"]:
        factories.PostFactory(title=title, summary="Same.", body="Same.")
        factories.ConditionFactory(name=title, summary="Same.", overview="Same.")
    results = [(result.kind, result.title) for result in search.search("moxibustion").results]
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


def result_titles(html):
    return re.findall(r'<h2 class="result-title"><a href="[^"]+">([^<]+)</a>', html)


def test_results_come_a_page_at_a_time(client, db):
    now = timezone.now()
    for n in range(12):
        factories.PostFactory(
            title=f"Moxibustion note {n:02d}", published_at=now - datetime.timedelta(days=n)
        )
    first = get(client, "moxibustion").content.decode()
    assert result_titles(first) == [f"Moxibustion note {n:02d}" for n in range(10)]
    assert '<p class="result-count" role="status">Results 1\u201310</p>' in first
    assert '<a href="?q=moxibustion&amp;page=2" rel="next">More results</a>' in first
    assert 'rel="prev"' not in first

    response = client.get(reverse("clinic:search"), {"q": "moxibustion", "page": "2"})
    second = response.content.decode()
    assert result_titles(second) == ["Moxibustion note 10", "Moxibustion note 11"]
    assert '<p class="result-count" role="status">Results 11\u201312</p>' in second
    assert '<ol class="results" start="11">' in second
    assert '<a href="?q=moxibustion" rel="prev">Previous results</a>' in second
    assert 'rel="next"' not in second
    assert "<title>Search: moxibustion, page 2 ·" in second


@pytest.mark.parametrize("page", ["3", "31", "999"])
def test_a_page_past_the_results_says_so(client, db, page):
    factories.PostFactory(title="Moxibustion note")
    response = client.get(reverse("clinic:search"), {"q": "moxibustion", "page": page})
    html = response.content.decode()
    assert response.status_code == 200
    assert result_titles(html) == []
    assert "No more results for “moxibustion”." in html
    assert '<a href="?q=moxibustion">Back to the first results</a>' in html
    assert "We found nothing" not in html


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "", "99999", "\u00b2", "\x00", "1" * 3000])
def test_a_bad_page_number_shows_the_first_page(client, db, page):
    factories.PostFactory(title="Moxibustion note")
    response = client.get(reverse("clinic:search"), {"q": "moxibustion", "page": page})
    html = response.content.decode()
    assert response.status_code == 200
    assert result_titles(html) == ["Moxibustion note"]
    assert '<p class="result-count" role="status">1 result</p>' in html


def test_heading_matches_outrank_body_matches_however_often_the_word_appears(db):
    factories.PostFactory(title="Sleep", summary="Rest.", body="Migraine. " * 40)
    factories.ConditionFactory(name="Tension", summary="Rest.", overview="Migraine. " * 40)
    factories.PostFactory(title="Headaches", summary="About migraine.", body="Text.")
    results = search.search("migraine").results
    assert [(result.title, result.tier) for result in results] == [
        ("Headaches", 0),
        ("Tension", 1),
        ("Sleep", 1),
    ]


def window(*posts):
    """Which of these articles are in search's window, as stored."""
    stored = dict(
        Post.objects.filter(pk__in=[p.pk for p in posts]).values_list("pk", "in_search_window")
    )
    return [stored[p.pk] for p in posts]


def test_the_search_window_follows_publication(db, monkeypatch):
    """The newest WINDOW live articles and every scheduled one, kept as articles are
    published, unpublished, re-dated and deleted."""
    monkeypatch.setattr(search_window, "WINDOW", 2)
    now = timezone.now()
    old, middle, new = (
        factories.PostFactory(published_at=now - datetime.timedelta(days=days))
        for days in (30, 20, 10)
    )
    draft = factories.PostFactory(status=Status.DRAFT, published_at=None)
    assert window(old, middle, new, draft) == [False, True, True, False]
    scheduled = factories.PostFactory(published_at=now + datetime.timedelta(days=3))
    assert window(old, middle, new, scheduled) == [False, True, True, True]
    new.status = Status.UNPUBLISHED
    new.save()
    assert window(old, middle, new) == [True, True, False]
    old.published_at = now - datetime.timedelta(days=400)
    old.save()
    assert window(old, middle) == [True, True]  # still among the newest two live ones
    middle.delete()
    new.status = Status.PUBLISHED
    new.save()
    assert window(old, new, scheduled) == [True, True, True]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's heading words")
def test_heading_words_follow_the_article(db, monkeypatch):
    """Words in a heading are found among all articles, however old, through the heading words
    table its triggers keep: renamed, unpublished and deleted articles are not found by the
    words they no longer have."""
    monkeypatch.setattr(search_window, "WINDOW", 1)
    now = timezone.now()
    old = factories.PostFactory(
        title="Cupping explained", body="Text.", published_at=now - datetime.timedelta(days=900)
    )
    factories.PostFactory(title="Newer", body="Cupping too.", published_at=now)
    assert window(old) == [False]

    def found(words):
        return [result.title for result in search.search(words).results]

    assert found("cupping") == ["Cupping explained", "Newer"]
    old.title = "Gua sha explained"
    old.save()
    assert found("cupping") == ["Newer"]
    assert found("gua sha") == ["Gua sha explained"]
    old.status = Status.UNPUBLISHED
    old.save()
    assert found("gua sha") == []
    old.status = Status.PUBLISHED
    old.save()
    assert found("gua sha") == ["Gua sha explained"]
    pk = old.pk
    old.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM blog_post_heading_term WHERE post_id = %s", [pk])
        assert cursor.fetchone() == (0,)
    assert found("gua sha") == []
