"""Health checks for a load balancer: /healthz (the process answers) and /readyz (it can work)."""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


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


@never_cache
def readyz(request):
    """Readiness: the database answers a query and the cache stores and returns a value.

    Answers within a second in every fault: the database refuses at once when it is gone, and
    Redis is asked with its short timeouts. `degraded` says what still works without it.
    """
    checks = {"database": "ok", "cache": cache_state()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        checks["database"] = "unavailable"
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
