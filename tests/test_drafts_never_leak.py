"""
Nothing unreviewed ever reaches a patient.

A matrix: every state that is not public (draft, in review, changes requested, scheduled but not
yet due, unpublished) by every public surface. Each surface is a function that takes the hidden
page and returns the text an anonymous visitor would get; the page's title and slug must appear
nowhere in it. When a new public surface lands (feeds, sitemap, search, archives…), add it to
SURFACES and the whole matrix covers it.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from clinic.pages.publishing import Status
from clinic.site.sitemaps import SITEMAPS
from tests import factories
from tests.personas import make_user

pytestmark = pytest.mark.usefixtures("clinic")

SECRET_TITLE = "Zebra secret remedy"
SECRET_SLUG = "zebra-secret-remedy"


def hidden_states():
    future = timezone.now() + datetime.timedelta(days=3)
    return {
        "draft": {"status": Status.DRAFT, "published_at": None},
        "in_review": {"status": Status.IN_REVIEW, "published_at": None},
        "changes_requested": {"status": Status.CHANGES_REQUESTED, "published_at": None},
        "scheduled": {"status": Status.PUBLISHED, "published_at": future},
        "unpublished": {
            "status": Status.UNPUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(days=3),
        },
    }


STATES = list(hidden_states())


def fetch(client, url, status=200):
    """What an anonymous visitor gets at `url`, which must answer exactly `status`.

    A list answers 200 whether or not the hidden page is in it; a page's own address answers 404
    while it is hidden. Anything else (a redirect, a 500, a list that vanished) fails the case.
    """
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def own(hidden):
    """The status of the page's own addresses: gone while hidden, there once published."""
    return 404 if hidden else 200


# Each surface: function(client, page, *, hidden, neighbours) -> list of the answers' texts.
# The hidden page's title and slug must appear in none of them while it is hidden, and (the
# control below) the slug must appear in every one of them once the page is published. Every
# URL is reversed directly: a surface whose URL does not resolve is an error, never a pass.
def post_detail(client, page, *, hidden, neighbours):
    return [fetch(client, page.get_absolute_url(), own(hidden))]


def condition_detail(client, page, *, hidden, neighbours):
    return [fetch(client, page.get_absolute_url(), own(hidden))]


def blog_index(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("blog:index"))]


def home(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("clinic:home"))]


def tag_page(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("blog:tag", args=[neighbours.tag.slug]))]


def practitioner_page(client, page, *, hidden, neighbours):
    return [fetch(client, page.author.get_absolute_url())]


def condition_az(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("conditions:index"))]


def related_on_condition(client, page, *, hidden, neighbours):
    """A published condition page lists its articles: the hidden one must not be among them."""
    return [fetch(client, neighbours.condition.get_absolute_url())]


def more_articles_on_a_post(client, page, *, hidden, neighbours):
    """A published article's "more articles" (and any next/previous links)."""
    return [fetch(client, neighbours.posts[0].get_absolute_url())]


def condition_links_on_a_post(client, page, *, hidden, neighbours):
    """A published article that links to a hidden condition page must not show the link."""
    return [fetch(client, neighbours.posts[0].get_absolute_url())]


def search(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("clinic:search") + "?q=zebra+secret+remedy")]


def search_one_word(client, page, *, hidden, neighbours):
    return [fetch(client, reverse("clinic:search") + "?q=zebra")]


def search_for_it(client, page, *, hidden, neighbours):
    """Search by the hidden page's own words (title, summary, body)."""
    return [
        fetch(client, reverse("clinic:search") + f"?q={words}")
        for words in ["zebra", "secret remedy", "Hidden summary"]
    ]


def post_feeds(client, page, *, hidden, neighbours):
    """The site feeds (RSS and Atom), and the feeds of the article's topic and condition."""
    urls = [
        reverse("feeds:posts"),
        reverse("feeds:posts_atom"),
        reverse("feeds:tag", args=[neighbours.tag.slug]),
        reverse("feeds:tag_atom", args=[neighbours.tag.slug]),
        reverse("feeds:condition", args=[neighbours.condition.slug]),
        reverse("feeds:condition_atom", args=[neighbours.condition.slug]),
    ]
    return [fetch(client, url) for url in urls]


def condition_feeds(client, page, *, hidden, neighbours):
    """The condition page's own feeds (RSS and Atom) of its articles: 404 while it is hidden."""
    urls = [
        reverse("feeds:condition", args=[page.slug]),
        reverse("feeds:condition_atom", args=[page.slug]),
    ]
    return [fetch(client, url, own(hidden)) for url in urls]


def sitemap(client, page, *, hidden, neighbours):
    """Every section's sitemap, as one answer (the index names sections, never pages)."""
    fetch(client, reverse("sitemap"))
    sections = [reverse("sitemap-section", args=[section]) for section in SITEMAPS]
    return ["".join(fetch(client, url) for url in sections)]


def archives(client, page, *, hidden, neighbours):
    """The year and month archives of the visible articles, and the hidden page's own.

    An archive answers 404 when no published article falls in it, so the hidden page's own
    period is a 404 unless a visible neighbour shares it.
    """
    visible = {timezone.localtime(post.published_at) for post in neighbours.posts}
    years = {f"{when.year:04d}" for when in visible}
    months = {(f"{when.year:04d}", f"{when.month:02d}") for when in visible}
    answers = [fetch(client, reverse("blog:archive_year", args=[year])) for year in sorted(years)]
    answers += [fetch(client, reverse("blog:archive_month", args=m)) for m in sorted(months)]
    if page.published_at:
        when = timezone.localtime(page.published_at)
        year, month = f"{when.year:04d}", f"{when.month:02d}"
        if year not in years:
            answers.append(fetch(client, reverse("blog:archive_year", args=[year]), own(hidden)))
        if (year, month) not in months:
            url = reverse("blog:archive_month", args=[year, month])
            answers.append(fetch(client, url, own(hidden)))
    return answers


def reference_downloads(client, page, *, hidden, neighbours):
    """The page's reference list as RIS, BibTeX and CSL-JSON files: 404 while hidden.

    The file's name (Content-Disposition) is part of the answer: it carries the page's slug.
    """
    name = "blog:references" if isinstance(page, Post) else "conditions:references"
    answers = []
    for fmt in ("ris", "bib", "json"):
        url = reverse(name, args=[page.slug, fmt])
        response = client.get(url)
        assert response.status_code == own(hidden), (url, response.status_code)
        answers.append(response.get("Content-Disposition", "") + response.content.decode())
    return answers


def fixed_public_urls():
    """Every public URL that takes no parameters: lists, feeds, sitemaps, whatever lands next."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.urls.resolvers import URLPattern, URLResolver

    skipped = (f"{settings.ADMIN_PATH}/", "editor/", "healthz", "readyz", "media/", "static/")

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = str(pattern.pattern)
            if "<" in route or "(?P" in route or "\\" in route:
                continue
            route = route.lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                yield "/" + prefix + route

    return sorted(
        {url for url in walk(get_resolver().url_patterns) if not url[1:].startswith(skipped)}
    )


def every_fixed_public_url(client, page, *, hidden, neighbours):
    """All of them together (robots.txt and the about page list nothing, the others do)."""
    return ["".join(fetch(client, url) for url in fixed_public_urls())]


def patient_questions(client, page, *, hidden, neighbours):
    """A hidden page takes no questions and has no "question sent" page, even with its token."""
    from clinic.patients.views import page_token

    token = page_token(page)
    sent = fetch(client, reverse("patients:question_sent", args=[token]), own(hidden))
    asked = client.post(reverse("patients:ask", args=[token]), {"body": "Hello"})
    # Published, the form answers its mistakes (400) with a link back to the page.
    assert asked.status_code == (404 if hidden else 400)
    return [sent, asked.content.decode()]


def markdownx_preview(client, page, *, hidden, neighbours):
    """The editor's preview renders whatever it is sent, so anonymous visitors get a 403.

    Its control is a member of staff, who does get the text back rendered.
    """
    if not hidden:
        client.force_login(make_user("control_staff"))
    response = client.post(reverse("markdownx_markdownify"), {"content": page.slug})
    assert response.status_code == (403 if hidden else 200)
    return [response.content.decode()]


def old_address_redirect(client, page, *, hidden, neighbours):
    """The old site's address of the page (Blogger/WordPress import): a 301 to it once public.

    While the page is hidden the old address must answer 404 like any unknown address: a 301
    would name the hidden page's slug in its Location header (and land on a 404).
    """
    from clinic.migration.models import Redirect

    old_path = "/2019/05/old-address.html"
    Redirect.objects.create(old_path=old_path, new_path=page.get_absolute_url())
    response = client.get(old_path)
    assert response.status_code == (404 if hidden else 301), response.status_code
    return [response.get("Location", "") + response.content.decode()]


def question_pages(client, page, *, hidden, neighbours):
    """A patient's question about the page: the "sent" page and the form sent back with its
    errors both name the page, so both answer 404 while it is hidden."""
    from clinic.patients.views import page_token

    token = page_token(page)
    sent = fetch(client, reverse("patients:question_sent", args=[token]), own(hidden))
    response = client.post(reverse("patients:ask", args=[token]), {})
    assert response.status_code == (404 if hidden else 400), response.status_code
    return [sent, response.content.decode()]


POST_SURFACES = [
    post_detail,
    blog_index,
    home,
    tag_page,
    practitioner_page,
    related_on_condition,
    more_articles_on_a_post,
    markdownx_preview,
    patient_questions,
    search,
    search_one_word,
    search_for_it,
    post_feeds,
    sitemap,
    archives,
    reference_downloads,
    every_fixed_public_url,
    old_address_redirect,
    question_pages,
]
CONDITION_SURFACES = [
    condition_detail,
    condition_az,
    home,
    condition_links_on_a_post,
    markdownx_preview,
    search,
    search_one_word,
    search_for_it,
    condition_feeds,
    sitemap,
    reference_downloads,
    every_fixed_public_url,
    old_address_redirect,
    question_pages,
]


@dataclass
class Neighbours:
    condition: object
    tag: object
    posts: list


@pytest.fixture
def neighbours(db):
    """Public content around the hidden page, so that lists and related links are not empty."""
    condition = factories.ConditionFactory(name="Back pain", slug="back-pain")
    tag = factories.TagFactory(name="Pain", slug="pain")
    posts = []
    for n in range(2):
        post = factories.PostFactory(title=f"Visible article {n}", slug=f"visible-{n}")
        post.tags.add(tag)
        post.conditions.add(condition)
        posts.append(post)
    return Neighbours(condition=condition, tag=tag, posts=posts)


def secret_post(neighbours, **fields):
    post = factories.PostFactory(
        title=SECRET_TITLE, slug=SECRET_SLUG, summary="Hidden summary", **fields
    )
    factories.attach(post, factories.ReferenceFactory())
    post.tags.add(neighbours.tag)
    post.conditions.add(neighbours.condition)
    return post


def secret_condition(neighbours, **fields):
    condition = factories.ConditionFactory(
        name=SECRET_TITLE, slug=SECRET_SLUG, summary="Hidden summary", **fields
    )
    factories.attach(condition, factories.ReferenceFactory())
    neighbours.posts[0].conditions.add(condition)
    return condition


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("surface", POST_SURFACES, ids=lambda s: s.__name__)
def test_hidden_post_never_shown(client, neighbours, state, surface):
    post = secret_post(neighbours, **hidden_states()[state])
    text = "".join(surface(client, post, hidden=True, neighbours=neighbours))
    assert SECRET_TITLE not in text
    assert SECRET_SLUG not in text


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("surface", CONDITION_SURFACES, ids=lambda s: s.__name__)
def test_hidden_condition_never_shown(client, neighbours, state, surface):
    condition = secret_condition(neighbours, **hidden_states()[state])
    text = "".join(surface(client, condition, hidden=True, neighbours=neighbours))
    assert SECRET_TITLE not in text
    assert SECRET_SLUG not in text


@pytest.mark.parametrize("surface", POST_SURFACES, ids=lambda s: s.__name__)
def test_every_post_surface_does_show_a_published_post(client, neighbours, surface):
    """The control: each surface really shows a public article, so "absent" above means something.

    Each answer of the surface (each feed, each archive, each search) must carry the page.
    """
    post = secret_post(neighbours)
    answers = surface(client, post, hidden=False, neighbours=neighbours)
    assert answers
    for answer in answers:
        assert SECRET_SLUG in answer


@pytest.mark.parametrize("surface", CONDITION_SURFACES, ids=lambda s: s.__name__)
def test_every_condition_surface_does_show_a_published_condition(client, neighbours, surface):
    """The control for condition pages: each surface shows a public one."""
    condition = secret_condition(neighbours)
    answers = surface(client, condition, hidden=False, neighbours=neighbours)
    assert answers
    for answer in answers:
        assert SECRET_SLUG in answer


def test_pending_changes_to_a_live_page_are_not_shown(client, neighbours, personas):
    """A practitioner's edit of a live page waits; patients still see the reviewed text."""
    from clinic.pages import workflow

    post = factories.PostFactory(author=personas.practitioner, body="Reviewed text.")
    workflow.stage_pending(
        post,
        by=personas.practitioner_user,
        values={"title": SECRET_TITLE, "body": "Unreviewed claim."},
        m2m={},
        references=[],
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Reviewed text." in html
    assert "Unreviewed claim." not in html
    assert SECRET_TITLE not in fetch(client, reverse("blog:index"))


def test_scheduled_post_appears_when_its_time_comes(client, neighbours):
    import time_machine

    when = timezone.now() + datetime.timedelta(days=2)
    post = factories.PostFactory(title=SECRET_TITLE, slug=SECRET_SLUG, published_at=when)
    assert client.get(post.get_absolute_url()).status_code == 404
    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert SECRET_TITLE in fetch(client, reverse("blog:index"))


def test_workflow_steps_invalidate_the_page_cache(client, settings, neighbours, personas):
    """A page stored whole in the page cache disappears as soon as it is unpublished."""
    from clinic.pages import workflow

    settings.PAGE_CACHE_SECONDS = 600
    post = factories.PostFactory(title=SECRET_TITLE, slug=SECRET_SLUG)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert SECRET_TITLE in fetch(client, reverse("blog:index"))  # now stored in the cache
    workflow.unpublish(page=post, by=personas.editor)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert SECRET_TITLE not in fetch(client, reverse("blog:index"))


def test_the_fixed_public_urls_include_the_lists():
    urls = fixed_public_urls()
    assert {"/", "/blog/", "/conditions/", "/search/"} <= set(urls)
    assert not any(url.startswith(("/admin/", "/editor/")) for url in urls)
