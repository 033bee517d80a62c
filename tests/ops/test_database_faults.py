"""PostgreSQL gone or hanging, through TCP proxies this test controls in front of the real
PostgreSQL and Redis, against a real gunicorn (DEBUG off, page cache on).

- PostgreSQL gone: a page from the page cache keeps answering 200, even when Redis stumbles
  meanwhile (a read that times out, then the new generation the page cache starts when Redis
  is back): it is then served from the newest copy there is. A page never cached gets the
  friendly 503 with Retry-After. When PostgreSQL is back, pages that need it answer again at
  once.
- PostgreSQL hanging (accepts connections, never answers): /readyz still answers within a
  second, 503, saying the database does not answer; 200 again once it is back.

PostgreSQL only (the suite's PostgreSQL run in CI); Redis database 7, under a key prefix of its
own.
"""

import os
import socket
import time
import urllib.error
import urllib.request
import uuid

import pytest
import redis as redis_client
from django.db import connection

from clinic.bench.management.commands.bench import Server, free_port
from clinic.bench.tcp_proxy import Proxy
from clinic.ops import near_cache
from tests import factories
from tests.ops.test_servers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS = ("127.0.0.1", 6379)


def get(server, path, timeout=10):
    try:
        with urllib.request.urlopen(server.url + path, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def proxies():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL faults: run with DATABASE_URL=postgres://…")
    with socket.socket() as sock:
        sock.settimeout(1)
        if sock.connect_ex(REDIS) != 0:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
    db = connection.settings_dict
    postgres = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    redis = Proxy(REDIS)
    postgres.up()
    redis.up()
    yield postgres, redis
    postgres.down()
    redis.down()


@pytest.fixture
def server(proxies):
    postgres, redis = proxies
    prefix = f"dbfaults-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
        "CLINIC_TESTING": "1",
        "DEBUG": "false",
        "DATABASE_URL": database_url(postgres.port),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/7",
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "600",
        "FRAGMENT_CACHE_SECONDS": "600",
        # Five times production's Redis timeout (the suite runs on a busy machine); the
        # breaker probes Redis again after a second.
        "REDIS_TIMEOUT_MS": "250",
        "REDIS_BREAKER_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    server = Server("clinic.wsgi:application", free_port(set()), env, workers=1)
    yield server
    server.stop()
    client = redis_client.Redis(*REDIS, db=7)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def test_cached_pages_answer_while_postgresql_is_gone(clinic, proxies, server):
    postgres, redis = proxies
    post = factories.PostFactory(title="Kept while the database is away")
    never_cached = factories.PostFactory(title="Never asked for")
    page = post.get_absolute_url()
    assert get(server, page)[0] == 200
    assert get(server, page)[1]["X-Page-Cache"] == "hit"

    postgres.down()
    status, headers, html = get(server, page)
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    assert "Kept while the database is away" in html
    status, headers, html = get(server, never_cached.get_absolute_url())
    assert (status, headers["Retry-After"]) == (503, "30")
    assert "Back in a moment" in html and "Traceback" not in html

    # Redis stumbles: the read times out, the page cache cannot tell what is current.
    redis.hang()
    # This server's own copies are trusted for at most a second without Redis (near_cache).
    time.sleep(near_cache.RECHECK_SECONDS + 0.5)
    for _ in range(2):  # two reads, four failed calls: the breaker opens
        status, headers, html = get(server, page)
        assert (status, headers["X-Page-Cache"]) == (200, "stale")
        assert "Kept while the database is away" in html
    assert headers["X-Content-Type-Options"] == "nosniff"  # the same headers as any answer
    # Redis is back: the page cache starts a new generation, so the stored page is out of date.
    redis.up()
    time.sleep(1.5)  # the breaker's next probe
    for _ in range(3):
        status, headers, html = get(server, page)
        assert status == 200 and "Kept while the database is away" in html
    assert headers["X-Page-Cache"] == "stale"

    postgres.up()
    status, headers, html = get(server, never_cached.get_absolute_url())
    assert status == 200 and "Never asked for" in html
    status, headers, html = get(server, page)
    assert (status, headers["X-Page-Cache"]) == (200, "miss")  # rendered afresh, stored again


def test_readyz_answers_within_a_second_while_postgresql_hangs(proxies, server):
    postgres, _ = proxies
    assert get(server, "/readyz", timeout=1)[0] == 200
    postgres.hang()
    for _ in range(3):  # the first probe waits; the next find it still waiting
        status, _, body = get(server, "/readyz", timeout=1)
        assert status == 503
        assert '"database": "not answering"' in body
    postgres.up()
    deadline = time.monotonic() + 15
    while get(server, "/readyz", timeout=1)[0] != 200:
        assert time.monotonic() < deadline, "/readyz did not recover"
        time.sleep(0.2)
