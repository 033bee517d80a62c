"""
Nothing unreviewed ever reaches a patient.

A matrix: every state that is not public (draft, in review, changes requested, scheduled but not
yet due, unpublished) by every public surface. Each surface is a function that takes the hidden
page and returns the text an anonymous visitor would get; the page's title and slug must appear
nowhere in it. When a new public surface lands (feeds, sitemap, search, archives…), add it to
SURFACES and the whole matrix covers it.
"""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from blog.models import Post
from clinic.publishing import Status
from tests import factories

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


def get(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response.content.decode()


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the surface is not on this branch yet
        return None


# Each surface: (name, kind, function(client, page) -> text). kind says which pages it shows.
def post_detail(client, page):
    response = client.get(page.get_absolute_url())
    assert response.status_code == 404
    return response.content.decode()


def condition_detail(client, page):
    response = client.get(page.get_absolute_url())
    assert response.status_code == 404
    return response.content.decode()


def blog_index(client, page):
    return get(client, reverse("blog:index"))


def home(client, page):
    return get(client, reverse("clinic:home"))


def tag_page(client, page):
    return get(client, reverse("blog:tag", args=[page.tags.get().slug]))


def practitioner_page(client, page):
    return get(client, page.author.get_absolute_url())


def condition_az(client, page):
    return get(client, reverse("conditions:index"))


def related_on_condition(client, page):
    """A published condition page lists its articles: the hidden one must not be among them."""
    return get(client, page.conditions.get().get_absolute_url())


def more_articles_on_a_post(client, page):
    """A published article's "more articles" (and any next/previous links)."""
    other = Post.objects.published().first()
    return get(client, other.get_absolute_url())


def posts_on_a_condition_page_for_hidden_condition(client, page):
    """A published article that links to a hidden condition must not show it."""
    post = Post.objects.published().first()
    return get(client, post.get_absolute_url())


def optional_url(name, *args):
    def surface(client, page):
        url = _reverse_or_none(name, *args)
        return get(client, url) if url else ""

    surface.__name__ = name.replace(":", "_")
    return surface


def search(client, page):
    return get(client, reverse("clinic:search") + "?q=zebra+secret+remedy")


def search_one_word(client, page):
    return get(client, reverse("clinic:search") + "?q=zebra")


def search_for_it(client, page):
    """Search by the hidden page's own words (title, summary, body)."""
    return "".join(
        get(client, reverse("clinic:search") + f"?q={words}")
        for words in ["zebra", "secret remedy", "Hidden summary"]
    )


def feeds(client, page):
    """The site feeds (RSS and Atom), and the feeds of its topic and condition."""
    urls = [reverse("feeds:posts"), reverse("feeds:posts_atom")]
    if page._meta.model_name == "post":
        urls += [
            reverse("feeds:tag", args=["pain"]),
            reverse("feeds:tag_atom", args=["pain"]),
            reverse("feeds:condition", args=["back-pain"]),
            reverse("feeds:condition_atom", args=["back-pain"]),
        ]
    else:
        urls.append(reverse("feeds:condition", args=[page.slug]))
    return "".join(get(client, url) for url in urls)


def sitemap_and_robots(client, page):
    return get(client, reverse("sitemap")) + get(client, reverse("robots"))


def archives(client, page):
    """The year and month archives of the visible articles, and the hidden page's own."""
    now = timezone.localtime()
    urls = [
        reverse("blog:archive_year", args=[f"{now.year:04d}"]),
        reverse("blog:archive_month", args=[f"{now.year:04d}", f"{now.month:02d}"]),
    ]
    if page.published_at:
        when = timezone.localtime(page.published_at)
        urls.append(reverse("blog:archive_year", args=[f"{when.year:04d}"]))
        urls.append(reverse("blog:archive_month", args=[f"{when.year:04d}", f"{when.month:02d}"]))
    return "".join(get(client, url) for url in urls)


def reference_downloads(client, page):
    """The page's reference list as RIS, BibTeX and CSL-JSON files: 404 while hidden."""
    name = "blog:references" if isinstance(page, Post) else "conditions:references"
    text = ""
    for fmt in ("ris", "bib", "json"):
        response = client.get(reverse(name, args=[page.slug, fmt]))
        assert response.status_code == 404
        text += response.content.decode()
    return text


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


def every_fixed_public_url(client, page):
    return "".join(get(client, url) for url in fixed_public_urls())


def markdownx_preview(client, page):
    response = client.post(reverse("markdownx_markdownify"), {"content": page.slug})
    assert response.status_code == 403
    return response.content.decode()


POST_SURFACES = [
    post_detail,
    blog_index,
    home,
    tag_page,
    practitioner_page,
    related_on_condition,
    more_articles_on_a_post,
    markdownx_preview,
    search,
    search_one_word,
    search_for_it,
    feeds,
    sitemap_and_robots,
    archives,
    reference_downloads,
    every_fixed_public_url,
    # Surfaces that other work adds; each is checked once its URL exists on main.
    optional_url("blog:feed"),
    optional_url("feeds:posts"),
    optional_url("django.contrib.sitemaps.views.sitemap"),
    optional_url("sitemap"),
]
CONDITION_SURFACES = [
    condition_detail,
    condition_az,
    home,
    posts_on_a_condition_page_for_hidden_condition,
    markdownx_preview,
    search,
    search_one_word,
    reference_downloads,
    every_fixed_public_url,
    search_for_it,
    feeds,
    sitemap_and_robots,
    optional_url("conditions:feed"),
    optional_url("django.contrib.sitemaps.views.sitemap"),
    optional_url("sitemap"),
]


@pytest.fixture
def published_neighbours(db):
    """Public content around the hidden page, so that lists and related links are not empty."""
    condition = factories.ConditionFactory(name="Back pain", slug="back-pain")
    tag = factories.TagFactory(name="Pain", slug="pain")
    for n in range(2):
        post = factories.PostFactory(title=f"Visible article {n}", slug=f"visible-{n}")
        post.tags.add(tag)
        post.conditions.add(condition)
    return condition, tag


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("surface", POST_SURFACES, ids=lambda s: s.__name__)
def test_hidden_post_never_shown(client, published_neighbours, state, surface):
    condition, tag = published_neighbours
    post = factories.PostFactory(
        title=SECRET_TITLE, slug=SECRET_SLUG, summary="Hidden summary", **hidden_states()[state]
    )
    factories.attach(post, factories.ReferenceFactory())
    post.tags.add(tag)
    post.conditions.add(condition)
    text = surface(client, post)
    assert SECRET_TITLE not in text
    assert SECRET_SLUG not in text


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("surface", CONDITION_SURFACES, ids=lambda s: s.__name__)
def test_hidden_condition_never_shown(client, published_neighbours, state, surface):
    condition = factories.ConditionFactory(
        name=SECRET_TITLE, slug=SECRET_SLUG, **hidden_states()[state]
    )
    factories.attach(condition, factories.ReferenceFactory())
    Post.objects.published().first().conditions.add(condition)
    text = surface(client, condition)
    assert SECRET_TITLE not in text
    assert SECRET_SLUG not in text


def test_pending_changes_to_a_live_page_are_not_shown(client, published_neighbours, personas):
    """A practitioner's edit of a live page waits; patients still see the reviewed text."""
    from clinic import workflow

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
    assert SECRET_TITLE not in get(client, reverse("blog:index"))


def test_scheduled_post_appears_when_its_time_comes(client, published_neighbours):
    import time_machine

    when = timezone.now() + datetime.timedelta(days=2)
    post = factories.PostFactory(title=SECRET_TITLE, slug=SECRET_SLUG, published_at=when)
    assert client.get(post.get_absolute_url()).status_code == 404
    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert SECRET_TITLE in get(client, reverse("blog:index"))


def test_workflow_steps_invalidate_the_page_cache(client, settings, published_neighbours, personas):
    """A page stored whole in the page cache disappears as soon as it is unpublished."""
    from clinic import workflow

    settings.PAGE_CACHE_SECONDS = 600
    post = factories.PostFactory(title=SECRET_TITLE, slug=SECRET_SLUG)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert SECRET_TITLE in get(client, reverse("blog:index"))  # now stored in the cache
    workflow.unpublish(page=post, by=personas.editor)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert SECRET_TITLE not in get(client, reverse("blog:index"))


@pytest.mark.parametrize(
    "surface",
    [blog_index, home, tag_page, practitioner_page, related_on_condition, search, archives],
    ids=lambda s: s.__name__,
)
def test_the_same_surfaces_do_show_a_published_post(client, published_neighbours, surface):
    """The control: each surface really lists public articles, so "absent" above means something."""
    condition, tag = published_neighbours
    post = factories.PostFactory(title=SECRET_TITLE, slug=SECRET_SLUG)
    post.tags.add(tag)
    post.conditions.add(condition)
    assert SECRET_TITLE in surface(client, post)


def test_the_fixed_public_urls_include_the_lists():
    urls = fixed_public_urls()
    assert {"/", "/blog/", "/conditions/", "/search/"} <= set(urls)
    assert not any(url.startswith(("/admin/", "/editor/")) for url in urls)
