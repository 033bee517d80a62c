"""Health checks, the 503 page when the database is gone, the request log, Redis failing open."""

import json
import logging
import time

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

REDIS_DOWN = {
    "default": {
        "BACKEND": "clinic.ops.resilient_cache.ResilientRedisCache",
        # Nothing listens here (the ops port range): every call fails at once.
        "LOCATION": "redis://127.0.0.1:8259/13",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.05, "SOCKET_TIMEOUT": 0.05},
    }
}


def database_gone(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def test_healthz_needs_nothing(client):
    # No database fixture: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_and_cache(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


# The database gone or hanging under /readyz is tested against a real PostgreSQL behind a proxy
# (tests/ops/test_servers.py, tests/ops/test_database_faults.py): /readyz asks it from a thread
# of its own, where a test's execute_wrapper would not reach.


def test_readyz_fails_without_cache(client, db, settings):
    settings.CACHES = REDIS_DOWN
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
        "degraded": ["cache: pages are cached per process for a few seconds until Redis is back"],
    }


def test_database_gone_gives_a_friendly_503_then_recovers(client, clinic, caplog):
    post = factories.PostFactory(title="Still here")
    for url in [reverse("clinic:home"), post.get_absolute_url(), reverse("blog:index")]:
        with connection.execute_wrapper(database_gone):
            response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        html = response.content.decode()
        assert "Back in a moment" in html
        assert "Traceback" not in html and "OperationalError" not in html
    assert "database unavailable" in caplog.text
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_redis_down_still_serves_and_logs_the_fault(client, clinic, settings, caplog):
    settings.CACHES = REDIS_DOWN
    settings.PAGE_CACHE_SECONDS = 600
    post = factories.PostFactory(title="Served from the database")
    with caplog.at_level(logging.WARNING, logger="clinic.ops.resilient_cache"):
        for _ in range(2):
            response = client.get(post.get_absolute_url())
            assert response.status_code == 200
            assert "Served from the database" in response.content.decode()
    (line,) = [r for r in caplog.records if r.name == "clinic.ops.resilient_cache"]
    assert "unavailable" in line.getMessage()


def test_one_json_log_line_per_request_without_personal_data(client, clinic, caplog):
    """The line carries the request's real time and query count, and nothing about the person."""
    post = factories.PostFactory()
    logged = caplog.at_level(logging.INFO, logger="clinic.requests")
    with logged, CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        client.get(
            post.get_absolute_url() + "?email=someone@example.com",
            headers={"User-Agent": "Nosy/1.0"},
            REMOTE_ADDR="203.0.113.9",
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
    (record,) = [r for r in caplog.records if r.name == "clinic.requests"]
    line = json.loads(record.getMessage())
    assert set(line) == {"method", "path", "status", "ms", "queries", "cache"}
    assert line["method"] == "GET"
    assert line["path"] == post.get_absolute_url()
    assert line["status"] == 200
    assert line["cache"] == "bypass"  # the page cache is off under pytest
    assert line["queries"] == len(queries)
    # A real measurement of this request: more than nothing, less than the time around it.
    assert 0 < line["ms"] <= elapsed_ms
    for personal in ("someone", "203.0.113.9", "Nosy"):
        assert personal not in record.getMessage()


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_checks_are_never_cached(client, db, settings, url):
    settings.PAGE_CACHE_SECONDS = 600
    client.get(url)
    assert client.get(url).wsgi_request.page_cache == "bypass"
