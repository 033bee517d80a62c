"""Real app servers (gunicorn, DEBUG off) sharing one PostgreSQL database and one Redis.

- Two servers: an edit, a publication and an unpublication are seen on both at once, with no
  stale cached page. The edits are made by this test process with the same code and the same
  Redis, as a third app server would (the one where the editor pressed Save).
- The database goes away (a TCP proxy in front of PostgreSQL is cut): a friendly 503 with
  Retry-After; the server recovers by itself when the database is back.
- Redis goes away: the server keeps serving from the database and logs the fault.

Ports 8250-8259 and Redis database 13 belong to these tests.
"""

import contextlib
import datetime
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from clinic.bench.management.commands.bench import Server, free_port
from clinic.bench.tcp_proxy import Proxy
from clinic.pages.publishing import Status
from tests import factories

# serialized_rollback: the groups and permissions made by data migrations come back after the
# flush that ends a transactional test, for the tests that run after these.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_is_up():
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(REDIS) == 0


def require_postgres_and_redis():
    if connection.vendor != "postgresql":
        pytest.skip("several app servers need PostgreSQL: run with DATABASE_URL=postgres://…")
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Hashed static files, as `make serve` collects them."""
    require_postgres_and_redis()
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=django_settings.BASE_DIR,
        env=server_env(static_root=root),
        check=True,
    )
    return root


def server_env(*, static_root, database_url="", redis_url=REDIS_URL, page_cache="600"):
    import os

    env = {
        **os.environ,
        "DEBUG": "false",
        "CLINIC_TESTING": "0",
        "SECRET_KEY": "two-server-test-secret-key-not-used-anywhere-else",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "STATIC_COMPRESS": "false",  # compressing every admin file would cost 20 s
        "REDIS_URL": redis_url,
        "PAGE_CACHE_SECONDS": page_cache,
        # Five times production's: the suite runs on a busy machine.
        "REDIS_TIMEOUT_MS": "250",
        "LOG_LEVEL": "WARNING",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def database_url(port=None):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{port or db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def postgres_and_redis(settings):
    require_postgres_and_redis()
    # This process shares the servers' cache, like a third app server.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "clinic",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@contextlib.contextmanager
def servers(count, static_root, stderr=None, **env):
    used, started = set(), []
    try:
        for _ in range(count):
            environment = server_env(static_root=static_root, **env)
            started.append(
                Server("clinic.wsgi:application", free_port(used), environment, 1, stderr)
            )
        yield started
    finally:
        for server in started:
            server.stop()


def get(server, path, timeout=10):
    try:
        with urllib.request.urlopen(server.url + path, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_two_servers_see_every_change_at_once(postgres_and_redis, static_root):
    factories.PractitionerFactory()
    post = factories.PostFactory(title="Original title", slug="shared-article")
    draft = factories.PostFactory(title="Waiting draft", status=Status.DRAFT)
    with servers(2, static_root, database_url=database_url()) as (one, two):
        for server in (one, two):
            for path in ("/blog/", post.get_absolute_url()):
                status, _, html = get(server, path)
                assert status == 200 and "Original title" in html
        # Both now have the pages cached.
        assert get(two, "/blog/")[1]["X-Page-Cache"] == "hit"

        post.title = "Edited title"
        post.save()
        for server in (two, one):
            for path in ("/blog/", post.get_absolute_url()):
                html = get(server, path)[2]
                assert "Edited title" in html and "Original title" not in html, server.url

        draft.status = Status.PUBLISHED
        draft.published_at = timezone.now() - datetime.timedelta(minutes=1)
        draft.save()
        for server in (one, two):
            assert "Waiting draft" in get(server, "/blog/")[2]
            assert get(server, draft.get_absolute_url())[0] == 200

        post.status = Status.UNPUBLISHED
        post.save()
        for server in (two, one):
            assert get(server, post.get_absolute_url())[0] == 404
            assert "Edited title" not in get(server, "/blog/")[2]


def test_database_gone_then_back(postgres_and_redis, static_root):
    post = factories.PostFactory(title="Still here")
    # Never visited before the outage: no fragment of it is kept, so it needs the database. (A
    # page whose fragments are all warm needs none, and may well answer 200 meanwhile.)
    unvisited = factories.PostFactory(title="Not seen yet")
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", 5432))
    proxy.up()
    try:
        with servers(1, static_root, database_url=database_url(proxy.port), page_cache="0") as (
            server,
        ):
            assert get(server, post.get_absolute_url())[0] == 200
            proxy.stop()
            status, headers, html = get(server, unvisited.get_absolute_url())
            assert status == 503
            assert headers["Retry-After"] == "30"
            assert "Back in a moment" in html and "Traceback" not in html
            assert get(server, "/readyz")[0] == 503
            assert get(server, "/healthz")[0] == 200
            proxy.start()
            status, _, html = get(server, post.get_absolute_url())
            assert status == 200 and "Still here" in html
            assert get(server, "/readyz")[0] == 200
    finally:
        proxy.stop()


@pytest.mark.parametrize("fault", ["hang", "down"])
def test_redis_fault_still_serves_fast_and_logs_once(
    postgres_and_redis, static_root, tmp_path, fault
):
    """Redis hangs (accepts, never answers) or is gone: pages and /readyz answer within a
    second, one log line per worker says so, and when Redis is back the server uses it again."""
    post = factories.PostFactory(title="From the database")
    proxy = Proxy(REDIS)
    proxy.up()
    log = tmp_path / "server.log"
    try:
        with (
            log.open("w") as stderr,
            servers(
                1,
                static_root,
                stderr=stderr,
                database_url=database_url(),
                redis_url=f"redis://127.0.0.1:{proxy.port}/13",
            ) as (server,),
        ):
            assert get(server, "/readyz", timeout=1)[0] == 200
            getattr(proxy, fault)()
            for _ in range(10):
                # (The first request pays three timeouts before the breaker opens.)
                status, _, html = get(server, post.get_absolute_url(), timeout=2)
                assert status == 200 and "From the database" in html
            status, _, body = get(server, "/readyz", timeout=1)
            assert status == 503
            assert json.loads(body)["cache"] == "unavailable"
            proxy.up()
            assert get(server, "/readyz", timeout=1)[0] == 200
    finally:
        proxy.down()
    text = log.read_text()
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if "clinic.ops.resilient_cache" in line]
    assert len(lines) <= 2 * 2  # per worker: the fault, and Redis back
    assert "unavailable" in lines[0]
