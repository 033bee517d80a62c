"""Each app server's own copy of pages (clinic/ops/near_cache.py), against the real Redis.

A copy is served without a round trip only while Redis vouches for the generation: a change
announced by another server is seen at once, one that is not announced within a second, and a
Redis that hangs stops the copies within a second too.
"""

import select
import time

import pytest
import redis
import time_machine
from django.core.cache import caches

from clinic.ops import near_cache, resilient_cache
from clinic.ops.cache import GENERATION_KEY, fast_path
from tests import factories
from tests.ops.test_page_cache import keep_test_connection, wsgi_get  # noqa: F401 (a fixture)
from tests.ops.test_redis_faults import REDIS, proxy, redis_is_up, resilient  # noqa: F401 (proxy)

pytestmark = [pytest.mark.usefixtures("clinic", "keep_test_connection")]


def use_redis(settings, port):
    resilient_cache._breakers.clear()
    settings.CACHES = resilient(port)
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()


@pytest.fixture
def app(settings):
    """The site as gunicorn runs it, its cache the real Redis (no proxy in between)."""
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    use_redis(settings, REDIS[1])
    from django.core.wsgi import get_wsgi_application

    yield fast_path(get_wsgi_application())
    caches["default"].clear()
    resilient_cache._breakers.clear()


def another_server():
    """A Redis client of a second app server (the same database as this one's cache)."""
    return redis.Redis(host=REDIS[0], port=REDIS[1], db=14)


def change_elsewhere(announce=True):
    """What a second app server's save does to Redis: move the generation and announce it
    (an older server during a rolling deploy does not announce)."""
    client = another_server()
    client.incr(caches["default"].make_key(GENERATION_KEY))
    if announce:
        client.publish(near_cache.channel(), b"")


def notice_delivered():
    """Wait (up to a second) until Redis has put the notice on this server's subscription.

    PUBLISH answers the publisher before Redis has necessarily written the notice to the
    subscriber's socket; on a busy machine the very next request could poll before it is there.
    """
    watch = near_cache.watch()
    readable, _, _ = select.select([near_cache._socket(watch.pubsub)], [], [], 1.0)
    assert readable


def served_from(app, path):
    status, headers, body = wsgi_get(app, path)
    assert status == "200 OK"
    return headers["X-Page-Cache"], body


def cached_post(app, title):
    """A post's path, its page rendered once and now served from this server's copy."""
    path = factories.PostFactory(title=title).get_absolute_url()
    assert served_from(app, path)[0] == "miss"
    assert served_from(app, path)[0] == "hit"
    return path


def test_a_page_comes_from_this_servers_copy_until_another_server_announces_a_change(app):
    post = factories.PostFactory(title="Kept near")
    path = post.get_absolute_url()
    assert served_from(app, path)[0] == "miss"
    key = next(iter(near_cache.copies.pages))
    stored = near_cache.copies.pages[key][2]
    assert served_from(app, path)[0] == "hit"

    # Redis is emptied of the page: a hit now can only be this server's own copy.
    caches["default"].delete(key)
    assert served_from(app, path) == ("hit", stored[-1])

    change_elsewhere()
    notice_delivered()
    # At once: the next request reads the notice and renders the page again.
    assert served_from(app, path)[0] == "miss"
    assert served_from(app, path)[0] == "hit"


def test_a_change_that_is_not_announced_is_seen_within_a_second(app):
    path = cached_post(app, "Not announced")
    change_elsewhere(announce=False)
    time.sleep(near_cache.RECHECK_SECONDS + 0.2)
    assert served_from(app, path)[0] == "miss"


def test_a_change_saved_here_is_seen_at_once(app):
    post = factories.PostFactory(title="First words")
    path = post.get_absolute_url()
    served_from(app, path)
    assert served_from(app, path)[0] == "hit"
    post.title = "Second words"
    post.save()
    state, body = served_from(app, path)
    assert state == "miss" and b"Second words" in body and b"First words" not in body


def test_a_copy_is_never_served_past_its_time(app):
    post = factories.PostFactory(title="Short lived")
    served_from(app, post.get_absolute_url())
    key = next(iter(near_cache.copies.pages))
    generation = near_cache.copies.pages[key][0]
    assert near_cache.copies.get(key, generation) is not None
    with time_machine.travel(time.time() + 601, tick=False):
        assert near_cache.copies.get(key, generation) is None


def test_the_copies_are_bounded(settings):
    settings.NEAR_CACHE_BYTES = 1000
    copies = near_cache.Copies()
    for number in range(30):
        copies.put(f"page{number}", 1, time.time() + 60, (1, 0, 200, [], b"x" * 90))
    assert copies.size <= 1000 and len(copies.pages) == 11
    assert copies.get("page0", 1) is None and copies.get("page29", 1) is not None
    copies.put("big", 1, time.time() + 60, (1, 0, 200, [], b"x" * 200))  # over a tenth: not kept
    assert copies.get("big", 1) is None


def test_a_hung_redis_stops_the_copies_within_a_second(settings, proxy):  # noqa: F811 (fixture)
    use_redis(settings, proxy.port)
    from django.core.wsgi import get_wsgi_application

    app = fast_path(get_wsgi_application())
    path = cached_post(app, "Hung meanwhile")
    proxy.hang()
    time.sleep(near_cache.RECHECK_SECONDS + 0.2)
    # Redis cannot vouch for the generation: the page is rendered (and kept by the stand-in).
    state, body = served_from(app, path)
    assert state == "miss" and b"Hung meanwhile" in body
    assert near_cache.watch().generation is None


def test_a_subscription_cut_by_redis_is_watched_again_on_its_new_socket(app):
    path = cached_post(app, "Cut and back")
    assert another_server().client_kill_filter(_type="pubsub") >= 1
    served_from(app, path)  # sees the cut on the socket and subscribes again
    served_from(app, path)
    watch = near_cache.watch()
    assert watch.poller is not None
    assert watch.poller.socket is near_cache._socket(watch.pubsub) is not None
    change_elsewhere()  # the notice may reach the old subscription and be lost
    # A notice lost with a cut connection costs at most RECHECK_SECONDS of trust.
    deadline = time.monotonic() + near_cache.RECHECK_SECONDS + 0.5
    while served_from(app, path)[0] == "hit":
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_subscription_redis_py_reconnects_in_place_is_watched_on_its_new_socket(app):
    path = cached_post(app, "Reconnected in place")
    watch = near_cache.watch()
    old = watch.poller.socket
    # What redis-py's retry does inside get_message: a new socket, subscribed again.
    watch.pubsub.connection.disconnect()
    watch.pubsub.connection.connect()
    assert near_cache._socket(watch.pubsub) is not old
    served_from(app, path)
    assert watch.poller.socket is near_cache._socket(watch.pubsub)
    change_elsewhere()
    notice_delivered()  # on the new socket: a poller left on the old one would not see it
    assert served_from(app, path)[0] == "miss"
