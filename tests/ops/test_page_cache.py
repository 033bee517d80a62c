"""The whole-page cache: served without SQL, invalidated by any content change, never personal."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.models import PostReference
from clinic.models import ClinicSettings
from clinic.pages.publishing import Status
from tests import factories
from tests.personas import PASSWORD

pytestmark = pytest.mark.usefixtures("clinic")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_second_visit_is_served_from_the_cache_without_sql(client, django_assert_num_queries):
    post = factories.PostFactory(title="Needles and nerves")
    first = client.get(post.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(post.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert "Needles and nerves" in second.content.decode()
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"]


def test_conditional_get_answers_304(client):
    post = factories.PostFactory()
    etag = client.get(post.get_absolute_url())["ETag"]
    response = client.get(post.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize(
    "change",
    [
        "edit_post",
        "unpublish_post",
        "new_post",
        "rename_author",
        "edit_reference",
        "clinic_settings",
        "tag_added",
        "delete_post",
    ],
)
def test_any_content_change_invalidates_every_page(client, change):
    author = factories.PractitionerFactory(name="Helen Marsh")
    reference = factories.ReferenceFactory(key="white2004", title="Old reference title")
    post = factories.PostFactory(title="Original title", author=author, body="Text [@white2004].")
    factories.attach(post, reference)
    pages = [post.get_absolute_url(), reverse("blog:index"), reverse("clinic:home")]
    before = {url: client.get(url).content for url in pages}

    if change == "edit_post":
        post.title = "Edited title"
        post.save()
        expected = "Edited title"
    elif change == "unpublish_post":
        post.status = Status.UNPUBLISHED
        post.save()
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Original title" not in client.get(reverse("blog:index")).content.decode()
        return
    elif change == "new_post":
        factories.PostFactory(title="A brand new article")
        expected = "A brand new article"
        pages = pages[1:]
    elif change == "rename_author":
        author.name = "Helen Marsh-Okafor"
        author.save()
        expected = "Helen Marsh-Okafor"
    elif change == "edit_reference":
        reference.title = "Corrected reference title"
        reference.save()
        post.save()  # the stored reference list is rebuilt when the page is saved
        expected = "Corrected reference title"
        pages = pages[:1]
    elif change == "clinic_settings":
        settings = ClinicSettings.load()
        settings.name = "Riverside Acupuncture Clinic"
        settings.save()
        expected = "Riverside Acupuncture Clinic"
    elif change == "tag_added":
        post.tags.add(factories.TagFactory(name="Migraine", slug="migraine"))
        expected = "Migraine"
        pages = pages[:1]
    else:
        PostReference.objects.filter(post=post).delete()
        post.delete()
        assert client.get(post.get_absolute_url()).status_code == 404
        return

    for url in pages:
        after = client.get(url).content
        assert after != before[url], url
        assert expected in after.decode(), url


def test_scheduled_post_appears_on_time(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        factories.PostFactory(
            title="Scheduled for later", published_at=now + datetime.timedelta(minutes=5)
        )
        assert "Scheduled for later" not in client.get(reverse("blog:index")).content.decode()
        clock.shift(datetime.timedelta(minutes=6))
        # LocMemCache expires by the clock too, so the stored page is gone by now.
        assert "Scheduled for later" in client.get(reverse("blog:index")).content.decode()


def test_logged_in_staff_are_never_served_or_stored(client, personas):
    """Staff get their own page (never the stored one), and what they get is never stored."""
    post = factories.PostFactory(title="Shared article")
    url = post.get_absolute_url()

    # Never stored: a member of staff visits first; the anonymous visit after them is a miss.
    client.login(username="editor", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert response.wsgi_request.page_cache == "bypass"
    assert "X-Page-Cache" not in response
    client.logout()
    response = client.get(url)
    assert response.wsgi_request.page_cache == "miss"
    assert response["X-Page-Cache"] == "miss"

    # Never served: the anonymous page is stored now, and staff still bypass it.
    client.login(username="editor", password=PASSWORD)
    response = client.get(url)
    assert response.wsgi_request.page_cache == "bypass"
    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get(url).wsgi_request.page_cache == "hit"


def test_answers_that_are_not_public_pages_are_not_stored(client, db):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/no-such-page/").wsgi_request.page_cache == "miss"
    assert client.post(reverse("clinic:home")).wsgi_request.page_cache == "bypass"
    assert client.get("/healthz").wsgi_request.page_cache == "bypass"


def test_query_strings_are_separate_pages(client):
    factories.PostFactory.create_batch(12)
    first = client.get(reverse("blog:index"))
    second = client.get(reverse("blog:index") + "?page=2")
    assert first.content != second.content
    assert client.get(reverse("blog:index") + "?page=2").wsgi_request.page_cache == "hit"


def test_off_when_page_cache_seconds_is_zero(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    post = factories.PostFactory()
    client.get(post.get_absolute_url())
    assert client.get(post.get_absolute_url()).wsgi_request.page_cache == "bypass"


def test_fragments_skip_settings_and_related_queries_until_content_changes(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600
    post = factories.PostFactory(title="Main article")
    factories.PostFactory(title="First neighbour")
    client.get(post.get_absolute_url())
    # The article with its tags and neighbours, the related list, the settings: all kept.
    with django_assert_num_queries(0):
        response = client.get(post.get_absolute_url())
    assert "First neighbour" in response.content.decode()
    factories.PostFactory(title="Brand new neighbour")
    ClinicSettings.objects.update(name="Renamed without a signal")  # no save(): stays cached
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Brand new neighbour" in html
    assert "Renamed without a signal" in html  # the new post moved the generation on


def test_template_fragments_are_reused_and_renewed_on_change(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600
    condition = factories.ConditionFactory(name="Back pain")
    factories.PostFactory.create_batch(3)
    post = factories.PostFactory(title="About backs")
    post.conditions.add(condition)
    for url in (reverse("clinic:home"), reverse("blog:index"), condition.get_absolute_url()):
        first = client.get(url).content
        # Only the page's own object, if any: lists and footer come from the fragments.
        with django_assert_max_num_queries(3, info=url):
            assert client.get(url).content == first
    condition.name = "Low back pain"
    condition.save()
    assert "Low back pain" in client.get(reverse("clinic:home")).content.decode()
    post.title = "About lower backs"
    post.save()
    assert "About lower backs" in client.get(condition.get_absolute_url()).content.decode()
    assert "About lower backs" in client.get(reverse("blog:index")).content.decode()


def wsgi_get(app, path, **extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "SERVER_PROTOCOL": "HTTP/1.1",
        **extra,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answer["status"], answer["headers"], body


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: a request must not close the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("keep_test_connection")
def test_wsgi_fast_path_answers_stored_pages_before_django(django_assert_num_queries):
    from django.core.wsgi import get_wsgi_application

    from clinic.ops.cache import fast_path

    app = fast_path(get_wsgi_application())
    post = factories.PostFactory(title="Fast and fresh")
    path = post.get_absolute_url()
    status, headers, first = wsgi_get(app, path)
    assert status.startswith("200") and headers["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        status, headers, body = wsgi_get(app, path)
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert body == first and headers["Content-Length"] == str(len(body))
    assert "X-Frame-Options" in headers  # the headers were stored with the page
    # Conditional GET and HEAD.
    status, _, body = wsgi_get(app, path, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status == "304 Not Modified" and body == b""
    assert wsgi_get(app, path, REQUEST_METHOD="HEAD")[2] == b""
    # A session cookie goes to Django, which bypasses the cache.
    assert wsgi_get(app, path, HTTP_COOKIE="sessionid=abc")[1].get("X-Page-Cache") is None
    # Another host or scheme is another page.
    assert wsgi_get(app, path, **{"wsgi.url_scheme": "https"})[1]["X-Page-Cache"] == "miss"
    post.title = "Fast and edited"
    post.save()
    status, headers, body = wsgi_get(app, path)
    assert headers["X-Page-Cache"] == "miss" and b"Fast and edited" in body
