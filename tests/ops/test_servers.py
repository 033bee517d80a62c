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
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from clinic.management.commands.bench import Server, free_port
from clinic.publishing import Status
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


def get(server, path):
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
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


class Proxy:
    """A TCP proxy in front of PostgreSQL that the test can cut and restore."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.sockets, self.listener = [], None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    def pump(self, source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []


def test_database_gone_then_back(postgres_and_redis, static_root):
    post = factories.PostFactory(title="Still here")
    db = connection.settings_dict
    proxy = Proxy(free_port(set(range(8250, 8254))), (db["HOST"] or "127.0.0.1", 5432))
    proxy.start()
    try:
        with servers(1, static_root, database_url=database_url(proxy.port), page_cache="0") as (
            server,
        ):
            assert get(server, post.get_absolute_url())[0] == 200
            proxy.stop()
            status, headers, html = get(server, post.get_absolute_url())
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


def test_redis_gone_still_serves_and_logs(postgres_and_redis, static_root, tmp_path):
    post = factories.PostFactory(title="From the database")
    log = tmp_path / "server.log"
    with (
        log.open("w") as stderr,
        servers(
            1,
            static_root,
            stderr=stderr,
            database_url=database_url(),
            redis_url="redis://127.0.0.1:8259/13",
        ) as (server,),
    ):
        for _ in range(2):
            status, _, html = get(server, post.get_absolute_url())
            assert status == 200 and "From the database" in html
        assert get(server, "/readyz")[0] == 503
    assert "django_redis" in log.read_text()
