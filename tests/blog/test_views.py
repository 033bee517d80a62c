import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.pages.publishing import Status
from clinic.patients.models import Comment
from tests import factories
from tests.patients.helpers import stamp

pytestmark = pytest.mark.usefixtures("clinic")

NOT_PUBLIC = [
    {"status": Status.DRAFT},
    {"status": Status.IN_REVIEW},
    {"status": Status.CHANGES_REQUESTED},
    {"status": Status.UNPUBLISHED},
    {"status": Status.PUBLISHED, "published_at": None},
]


def test_blog_index_shows_teasers_with_date_author_and_excerpt(client, db):
    author = factories.PractitionerFactory()
    factories.PostFactory(
        title="Acupuncture for low back pain",
        author=author,
        summary="",
        body="Acupuncture may help [@cherkin2009]. " + "word " * 80,
        published_at=timezone.make_aware(datetime.datetime(2022, 9, 15, 9, 0)),
    )
    response = client.get(reverse("blog:index"))
    html = response.content.decode()
    assert "Thursday, 15 September 2022" in html
    assert "Dr Helen Marsh" in html
    assert "Read more" in html
    # Excerpts end at a word, with no leftover citation marker.
    assert "Acupuncture may help" in html
    assert "[1]" not in html and "cherkin" not in html


def test_an_excerpt_closes_up_the_space_a_citation_leaves(client, db):
    factories.PostFactory(summary="", body="Acupuncture may help [@cherkin2009]. " + "word " * 80)
    html = client.get(reverse("blog:index")).content.decode()
    assert "Acupuncture may help. word" in html


@pytest.mark.parametrize("count", [1, 50])
def test_blog_index_query_count_is_constant(client, db, django_assert_num_queries, count):
    """Guards the N+1 of each teaser fetching its author; pagination counts once."""
    factories.PostFactory.create_batch(count)
    # settings, count for the paginator, the page of posts with authors, the years
    with django_assert_num_queries(4):
        assert client.get(reverse("blog:index")).status_code == 200


def test_blog_index_paginates(client, db):
    factories.PostFactory.create_batch(12)
    html = client.get(reverse("blog:index")).content.decode()
    assert "Page 1 of 2" in html
    assert client.get(reverse("blog:index") + "?page=2").status_code == 200
    assert client.get(reverse("blog:index") + "?page=9").status_code == 404


@pytest.mark.parametrize("references", [1, 50])
def test_article_page(client, db, django_assert_num_queries, references):
    """Guards the N+1s of tags, references and teasers: references are stored HTML."""
    post = factories.PostFactory(title="Acupuncture and back pain", body="Claim [@ref0].")
    refs = [factories.ReferenceFactory(key=f"ref{n}") for n in range(references)]
    factories.attach(post, *refs)
    post.tags.add(factories.TagFactory(name="Pain", slug="pain"))
    factories.PostFactory.create_batch(3)
    # The article with its neighbours, its stored HTML (author, reviewer, tags, conditions,
    # references, patients' approved questions: blog/page_html.py) and the clinic's name,
    # address, telephone and e-mail for the header and footer; the related posts.
    with django_assert_num_queries(2):
        response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "<h1>Acupuncture and back pain</h1>" in html
    assert '<a href="/practitioners/helen-marsh/">Dr Helen Marsh MBChB MRCGP</a>' in html
    assert html.count('class="reference-text"') == references
    assert '<a href="/blog/tag/pain/">Pain</a>' in html
    assert "More articles" in html


def test_with_fragments_warm_the_page_is_kept_whole_and_the_question_form_is_fresh(
    client, db, settings, time_machine, django_assert_num_queries
):
    """With fragments on, the whole page is kept as one fragment (blog/views.py): the same page
    and headers as rendered, no query, and per request only the form's time stamp; its address
    still names the article, so a question sent from the kept page is taken."""
    post = factories.PostFactory(title="Kept whole")
    url = post.get_absolute_url()
    rendered = client.get(url)
    settings.FRAGMENT_CACHE_SECONDS = 600
    client.get(url)  # kept
    time_machine.move_to(timezone.now(), tick=False)
    with django_assert_num_queries(0):
        first = client.get(url)
        time_machine.shift(datetime.timedelta(minutes=1))
        second = client.get(url)
    stamps = [
        re.search(r'name="started" value="([^"]+)"', page.text).group(1) for page in (first, second)
    ]
    assert stamps[0] != stamps[1]
    assert first.text.replace(stamps[0], "") == second.text.replace(stamps[1], "")
    assert "<h1>Kept whole</h1>" in first.text
    per_body = {"Content-Length", "ETag"}  # the time stamp differs
    assert {k: v for k, v in first.items() if k not in per_body} == {
        k: v for k, v in rendered.items() if k not in per_body
    }
    action = re.search(r'<form method="post" action="(/questions/[^"]+/)"', first.text).group(1)
    data = {"author_name": "Jean", "author_email": "jean@example.org", "body": "Does it hurt?"}
    data |= {"website": "", "started": stamp()}
    assert client.post(action, data).status_code == 302
    assert Comment.objects.get().page == post


def test_with_fragments_warm_an_article_made_a_draft_is_gone_at_once(client, db, settings):
    settings.FRAGMENT_CACHE_SECONDS = 600
    post = factories.PostFactory(title="Soon a draft")
    assert client.get(post.get_absolute_url()).status_code == 200  # kept
    post.status = Status.DRAFT
    post.save()
    assert client.get(post.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("fields", NOT_PUBLIC)
def test_unpublished_articles_are_hidden_everywhere(client, db, fields):
    post = factories.PostFactory(title="Hidden article", **fields)
    tag = factories.TagFactory(slug="hidden")
    post.tags.add(tag)
    visible = factories.PostFactory(title="Visible article")
    assert client.get(post.get_absolute_url()).status_code == 404
    for url in [
        reverse("blog:index"),
        reverse("clinic:home"),
        reverse("blog:tag", args=["hidden"]),
        visible.get_absolute_url(),
        post.author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Hidden article" not in html, url
        if url != reverse("blog:tag", args=["hidden"]):
            assert "Visible article" in html, url  # the control: the list does list articles


def test_scheduled_article_appears_when_its_time_comes(client, db, time_machine):
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 1, 1, 8, 0)), tick=False)
    post = factories.PostFactory(
        title="Scheduled article",
        published_at=timezone.make_aware(datetime.datetime(2026, 1, 1, 9, 0)),
    )
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Scheduled article" not in client.get(reverse("blog:index")).content.decode()
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 1, 1, 9, 0)), tick=False)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Scheduled article" in client.get(reverse("blog:index")).content.decode()


def test_tag_page_lists_only_that_tag(client, db):
    pain = factories.TagFactory(name="Pain", slug="pain")
    tagged = factories.PostFactory(title="Tagged")
    tagged.tags.add(pain)
    factories.PostFactory(title="Untagged")
    html = client.get(reverse("blog:tag", args=["pain"])).content.decode()
    assert "Articles about Pain" in html and "Tagged" in html and "Untagged" not in html
    assert client.get(reverse("blog:tag", args=["nope"])).status_code == 404
