"""Health checks for a load balancer: /healthz (the process answers) and /readyz (it can work)."""

import threading
import time
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

# /readyz waits this long for the database's answer: a balancer must hear within a second.
DATABASE_WAIT_SECONDS = 0.5
# A probe still waiting after this long is given up (a database that hangs may never answer it,
# even after it comes back) and the next /readyz starts another.
PROBE_GIVEN_UP_SECONDS = 10


@never_cache
def healthz(request):
    """Liveness: the app server answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def cache_state() -> str:
    # The Redis backend asks Redis itself, bounded by its short timeouts, whatever its circuit
    # breaker says (clinic/ops/resilient_cache.py); other backends store and read a value.
    health = getattr(cache, "health", None)
    if health is not None:
        return health()
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, 10)
    return "ok" if cache.get(key) == value else "unavailable"


class DatabaseProbe:
    """`SELECT 1` in a thread of its own, on a connection of its own, closed when done.

    A database that hangs (accepts, never answers) would hold the request for as long as the
    connection's timeouts allow (connect_timeout cannot be below 2 s, and a query on an open
    connection has no client-side limit at all); the request waits for the probe only
    DATABASE_WAIT_SECONDS. At most one probe per process is in flight: while one waits, /readyz
    answers at once.
    """

    def __init__(self):
        self.started = time.monotonic()
        self.answered = threading.Event()
        self.ok = False
        threading.Thread(target=self.run, name="readyz-database", daemon=True).start()

    def run(self):
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            self.ok = True
        except DatabaseError:
            self.ok = False
        finally:
            connections.close_all()  # this thread's own connection
            self.answered.set()

    @property
    def given_up(self):
        return time.monotonic() - self.started > PROBE_GIVEN_UP_SECONDS


_probe: DatabaseProbe | None = None
_probe_lock = threading.Lock()


def database_state() -> str:
    global _probe
    with _probe_lock:
        if _probe is None or _probe.answered.is_set() or _probe.given_up:
            _probe = DatabaseProbe()
        probe = _probe
    if not probe.answered.wait(DATABASE_WAIT_SECONDS):
        return "not answering"
    return "ok" if probe.ok else "unavailable"


@never_cache
def readyz(request):
    """Readiness: the database answers a query and the cache stores and returns a value.

    Answers within a second in every fault: the database is asked by a bounded probe (above),
    and Redis with its short timeouts. `degraded` says what still works without it.
    """
    checks = {"database": database_state(), "cache": cache_state()}
    degraded = []
    if checks["cache"] != "ok" and hasattr(cache, "fallback"):
        degraded.append("cache: pages are cached per process for a few seconds until Redis is back")
    if checks["database"] != "ok":
        degraded.append("database: pages in the page cache are served, others answer 503")
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "unavailable", **checks}
    if degraded:
        body["degraded"] = degraded
    response = JsonResponse(body, status=200 if ready else 503)
    # A balancer asks every few seconds: the fault is logged where it happens, not per probe.
    response._has_been_logged = True
    return response
