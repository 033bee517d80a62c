"""Redis hanging or gone, through a TCP proxy this test controls in front of the real Redis.

The site must cost no more than it does without Redis: the circuit breaker stops calling a Redis
that failed, pages are served from the per-process stand-in, one log line says so, /readyz says
what is degraded; and when Redis is back, nothing stored before or during the fault is shown
out of date.
"""

import json
import logging
import socket
import time

import pytest
import time_machine
from django.core.cache import caches

from clinic.bench.tcp_proxy import Proxy
from clinic.ops import resilient_cache
from clinic.ops.cache import GENERATION_KEY, PageLookup
from tests import factories
from tests.personas import admin_login_url

REDIS = ("127.0.0.1", 6379)
pytestmark = pytest.mark.usefixtures("clinic")


def redis_is_up():
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(REDIS) == 0


@pytest.fixture
def proxy():
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    proxy = Proxy(REDIS)
    proxy.up()
    yield proxy
    proxy.down()


def resilient(port, **options):
    # Timeouts ten times the production ones: the suite runs on a busy machine, and these tests
    # are about what happens after a timeout, not how short it is.
    return {
        "default": {
            "BACKEND": "clinic.ops.resilient_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/14",
            "KEY_PREFIX": "faults",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "BREAKER_FAILURES": 3,
                "BREAKER_SECONDS": 600,
                "FALLBACK_SECONDS": 10,
                **options,
            },
        }
    }


@pytest.fixture
def redis_cache(settings, proxy):
    """The site's cache is Redis behind the proxy; page and fragment caches on."""
    resilient_cache._breakers.clear()
    settings.CACHES = resilient(proxy.port)
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    proxy.up()
    resilient_cache._breakers.clear()
    caches["default"].clear()


def breaker_lines(caplog):
    return [r for r in caplog.records if r.name == "clinic.ops.resilient_cache"]


@pytest.mark.parametrize("fault", ["hang", "down"])
def test_a_redis_fault_costs_three_calls_then_none(client, redis_cache, proxy, caplog, fault):
    post = factories.PostFactory(title="Served anyway")
    getattr(proxy, fault)()
    proxy.reset_counts()
    with caplog.at_level(logging.WARNING):
        responses = [client.get(post.get_absolute_url()) for _ in range(20)]
    assert [r.status_code for r in responses] == [200] * 20
    assert all("Served anyway" in r.content.decode() for r in responses)
    # Three failed calls opened the breaker; after that Redis was left alone.
    assert proxy.connections <= 3
    assert redis_cache.degraded
    # From the second visit on, the page comes from the per-process stand-in.
    assert responses[-1]["X-Page-Cache"] == "hit"
    # One line for the fault, no traceback.
    (line,) = breaker_lines(caplog)
    assert "unavailable" in line.getMessage() and line.exc_info is None
    assert not [r for r in caplog.records if r.exc_info]


def test_one_failed_read_never_replaces_the_shared_generation(redis_cache, proxy):
    """A read that fails once (a timeout under load) finds no generation; starting a new one in
    Redis would make every page stored on every server out of date (and, while the database is
    gone, a 503). The generation in Redis stays."""
    redis_cache.set(GENERATION_KEY, 1234, None)
    proxy.down()
    found = redis_cache.get_many([GENERATION_KEY, "pagecache:page:x"])
    assert found == {}  # the stand-in answered
    proxy.up()
    assert PageLookup("pagecache:page:x", found, list(found)).generation == 1234
    assert redis_cache.get(GENERATION_KEY) == 1234


@pytest.mark.parametrize("fault", ["hang", "down"])
def test_readyz_names_the_fault_and_what_still_works(client, redis_cache, proxy, fault):
    assert client.get("/readyz").json()["cache"] == "ok"
    getattr(proxy, fault)()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "unavailable"
    assert body["degraded"] == [
        "cache: pages are cached per process for a few seconds until Redis is back"
    ]
    proxy.up()
    # Back within a second (a PING has 50 ms: on a loaded machine the first may time out).
    deadline = time.monotonic() + 1
    while (body := client.get("/readyz").json())["cache"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert body == {"status": "ok", "database": "ok", "cache": "ok"}


def test_back_from_a_fault_nothing_is_out_of_date(client, settings, redis_cache, proxy):
    """A page stored in Redis before the fault and changed during it is not served again."""
    post = factories.PostFactory(title="Before the fault")
    assert "Before the fault" in client.get(post.get_absolute_url()).content.decode()
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"  # stored in Redis

    proxy.hang()
    post.title = "Saved while Redis hung"
    post.save()  # the generation moves on in the stand-in only
    assert "Saved while Redis hung" in client.get(post.get_absolute_url()).content.decode()
    assert redis_cache.degraded

    proxy.up()
    assert client.get("/readyz").status_code == 200  # its probe closes the breaker
    assert not redis_cache.degraded
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Saved while Redis hung" in html and "Before the fault" not in html


def test_one_probe_after_the_interval_closes_the_breaker(settings, proxy, caplog):
    resilient_cache._breakers.clear()
    settings.CACHES = resilient(proxy.port, BREAKER_SECONDS=0)
    cache = caches["default"]
    proxy.down()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert cache.get("anything") is None
        assert cache.degraded
        cache.set("kept", "in the stand-in")  # a probe (interval 0): refused, so kept here
        assert cache.get("kept") == "in the stand-in"
        proxy.up()
        assert cache.get("kept") is None  # the probe succeeds: read from Redis
    assert not cache.degraded
    assert cache.fallback.get("kept") is None  # the stand-in was emptied
    messages = [r.getMessage() for r in breaker_lines(caplog)]
    assert "unavailable" in messages[0] and "answers again" in messages[-1]
    resilient_cache._breakers.clear()


def test_stand_in_keeps_things_only_briefly(settings, proxy):
    resilient_cache._breakers.clear()
    settings.CACHES = resilient(proxy.port, FALLBACK_SECONDS=7)
    cache = caches["default"]
    proxy.down()
    with time_machine.travel(0, tick=False) as traveller:
        for _ in range(3):
            cache.get("x")
        cache.set("page", "body", None)  # "for ever"
        cache.set("fragment", "html", 600)
        traveller.shift(6)
        assert cache.get_many(["page", "fragment"]) == {"page": "body", "fragment": "html"}
        traveller.shift(2)
        assert cache.get_many(["page", "fragment"]) == {}
    resilient_cache._breakers.clear()


def test_request_log_line_is_unaffected(client, redis_cache, proxy, caplog):
    post = factories.PostFactory()
    proxy.down()
    with caplog.at_level(logging.INFO, logger="clinic.requests"):
        client.get(post.get_absolute_url())
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "clinic.requests"]
    assert lines and lines[0]["status"] == 200


def test_sessions_are_never_kept_in_the_stand_in(client, settings, redis_cache, proxy, personas):
    """A log-out on another server must count here even while Redis is away."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as with REDIS_URL
    client.force_login(personas.editor)
    proxy.down()
    assert client.get("/admin/").status_code == 200
    session_key = client.session.session_key
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session_key).delete()  # logged out elsewhere
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == admin_login_url("/admin/")
