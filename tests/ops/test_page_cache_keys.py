"""Page-cache keys are normalised and bounded, and a page's fragments come in one round trip."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")

CALLS = []


class CountingCache(LocMemCache):
    """The in-process cache, counting calls: each would be one round trip to Redis."""

    def get(self, *args, **kwargs):
        CALLS.append("get")
        return super().get(*args, **kwargs)

    def get_many(self, keys, version=None):
        CALLS.append("get_many")
        return {k: v for k in keys if (v := super().get(k, version=version)) is not None}

    def set(self, *args, **kwargs):
        CALLS.append("set")
        return super().set(*args, **kwargs)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_unknown_query_parameters_share_one_stored_page(client, page_cache):
    post = factories.PostFactory()
    url = post.get_absolute_url()
    assert client.get(url + "?utm_source=mail")["X-Page-Cache"] == "miss"
    for variant in ("", "?utm_source=other", "?fbclid=123&x=1", "?x=1&utm_medium=a"):
        assert client.get(url + variant)["X-Page-Cache"] == "hit", variant


def test_known_parameters_make_distinct_pages_in_any_order(client, page_cache):
    factories.PostFactory.create_batch(12)
    index = reverse("blog:index")
    assert client.get(index + "?page=2")["X-Page-Cache"] == "miss"
    assert client.get(index + "?page=2&utm_source=x")["X-Page-Cache"] == "hit"
    assert client.get(index)["X-Page-Cache"] == "miss"  # page 1 is another page
    search = reverse("clinic:search")
    assert client.get(search + "?q=needle&page=1")["X-Page-Cache"] == "miss"
    assert client.get(search + "?page=1&q=needle")["X-Page-Cache"] == "hit"


def test_an_untrusted_forwarded_proto_is_ignored(client, page_cache):
    post = factories.PostFactory()
    url = post.get_absolute_url()
    client.get(url)
    for value in ("https", "gopher", "x" * 50):
        response = client.get(url, headers={"X-Forwarded-Proto": value})
        assert response["X-Page-Cache"] == "hit", value


def test_a_trusted_forwarded_proto_makes_the_https_page(client, page_cache, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    post = factories.PostFactory()
    url = post.get_absolute_url()
    client.get(url)
    assert client.get(url, headers={"X-Forwarded-Proto": "https"})["X-Page-Cache"] == "miss"
    assert client.get(url, headers={"X-Forwarded-Proto": "gopher"})["X-Page-Cache"] == "hit"


def test_stored_variants_of_one_path_are_bounded(client, page_cache, settings):
    settings.PAGE_CACHE_MAX_VARIANTS = 5
    search = reverse("clinic:search")
    stored = [client.get(f"{search}?q=word{i}").get("X-Page-Cache") == "miss" for i in range(12)]
    assert stored == [True] * 5 + [False] * 7
    # The first five are served from the cache; the rest are rendered each time.
    assert client.get(f"{search}?q=word0")["X-Page-Cache"] == "hit"
    assert client.get(f"{search}?q=word9").get("X-Page-Cache") is None


def test_a_pages_fragments_come_in_one_round_trip(client, settings):
    """Page cache off (a logged-in reader, a first visit): warm fragments cost one get_many."""
    settings.CACHES = {"default": {"BACKEND": "tests.ops.test_page_cache_keys.CountingCache"}}
    settings.FRAGMENT_CACHE_SECONDS = 600
    post = factories.PostFactory()
    client.get(post.get_absolute_url())  # renders and stores the fragments
    CALLS.clear()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert CALLS == ["get_many"]  # was five get_many, one per fragment
