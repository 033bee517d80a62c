"""
The shared cache (Redis) behind a circuit breaker, with a short-lived per-process stand-in.

A Redis that is down refuses at once, but one that hangs (accepts connections, never answers)
would make every cache call wait for its socket timeout, and a page makes several calls. So:

- Socket and connect timeouts are short (tens of milliseconds: REDIS_TIMEOUT_MS), and redis-py
  does not retry.
- After BREAKER_FAILURES failures in a row the breaker *opens*: for BREAKER_SECONDS no call goes
  to Redis at all. Then one call (one at a time per process) probes it; success closes the
  breaker, failure keeps it open for another interval.
- While the breaker is open, and for a call that has just failed, the cache is a per-process
  in-memory one (Django's LocMemCache) whose entries live at most FALLBACK_SECONDS. Pages are
  then cached per process for a few seconds, as without REDIS_URL, and a change saved on another
  server shows here within FALLBACK_SECONDS. When Redis answers again the stand-in is emptied
  and `redis_recovered` is sent (the page cache starts a new generation: anything saved while
  Redis was away must not be hidden by a page stored before the fault).
- One log line when the breaker opens and one per failed probe (one per interval), with the
  error's first line; no traceback per call.

Sessions are never kept in the stand-in: with `cached_db` they are then read from the database,
so a log-out on one server counts on every server even while Redis is away.

The breaker and the stand-in belong to the process (shared by its threads), keyed by LOCATION.
"""

import contextlib
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.dispatch import Signal
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_ERRORS = (RedisError, ConnectionInterrupted, OSError)

# Keys never kept in the stand-in (read from the database instead), and what the stand-in answers
# for them: a miss, or "stored" for a write that is also written to the database.
NOT_KEPT_PREFIXES = ("django.contrib.sessions.",)
NOT_KEPT_ANSWERS = {"set": None, "add": True, "delete": False, "touch": False, "has_key": False}

# Sent (by the process that noticed) when Redis answers again after the breaker was open.
redis_recovered = Signal()


class Breaker:
    """Closed (calls go to Redis), open (they do not), or probing (one call goes)."""

    def __init__(self, name, failures_to_open, open_seconds):
        self.name = name
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self.lock = threading.Lock()
        self.failures = 0
        self.opened_at = None  # time.monotonic() when it opened (or the last probe failed)
        self.down_since = None
        self.probing = False

    @property
    def is_open(self):
        return self.opened_at is not None

    def allow(self) -> bool:
        """May this call go to Redis? When open, only one probe per interval says yes."""
        with self.lock:
            if self.opened_at is None:
                return True
            if self.probing or time.monotonic() - self.opened_at < self.open_seconds:
                return False
            self.probing = True
            return True

    def succeeded(self) -> bool:
        """Record a call that worked; True when this closes an open breaker."""
        with self.lock:
            self.failures = 0
            self.probing = False
            if self.opened_at is None:
                return False
            down_for = time.monotonic() - self.down_since
            self.opened_at = self.down_since = None
        logger.warning(
            "Redis %s answers again after %.1f s; the shared cache is back", self.name, down_for
        )
        return True

    def failed(self, error) -> None:
        """Record a call that failed; open (or keep open) the breaker, logging once if so."""
        summary = (str(error).strip().splitlines() or [""])[0]
        with self.lock:
            if self.opened_at is not None:  # a probe failed: stay open for another interval
                self.opened_at = time.monotonic()
                self.probing = False
                message = "Redis %s still unavailable (%s: %s); next probe in %s s"
            else:
                self.failures += 1
                if self.failures < self.failures_to_open:
                    return
                self.opened_at = self.down_since = time.monotonic()
                message = (
                    "Redis %s unavailable (%s: %s); using a per-process cache, next probe in %s s"
                )
        logger.warning(message, self.name, type(error).__name__, summary, self.open_seconds)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


class ResilientRedisCache(BaseCache):
    """django-redis behind a circuit breaker, falling back to a short-lived LocMemCache.

    OPTIONS are django-redis's (IGNORE_EXCEPTIONS is forced off: this class handles faults)
    plus BREAKER_FAILURES (3), BREAKER_SECONDS (5), FALLBACK_SECONDS (10) and
    FALLBACK_MAX_ENTRIES (1000).
    """

    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        failures_to_open = options.pop("BREAKER_FAILURES", 3)
        open_seconds = options.pop("BREAKER_SECONDS", 5)
        self.fallback_seconds = options.pop("FALLBACK_SECONDS", 10)
        max_entries = options.pop("FALLBACK_MAX_ENTRIES", 1000)
        options["IGNORE_EXCEPTIONS"] = False
        self.redis = RedisCache(server, {**params, "OPTIONS": options})
        shared = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.fallback = LocMemCache(
            f"fallback:{server}", {**shared, "OPTIONS": {"MAX_ENTRIES": max_entries}}
        )
        with _breakers_lock:
            self.breaker = _breakers.get(server)
            if self.breaker is None:
                self.breaker = _breakers[server] = Breaker(
                    server.rsplit("@", 1)[-1], failures_to_open, open_seconds
                )

    # --- The one place that decides: Redis, or the stand-in --------------------------------

    def _call(self, name, *args, **kwargs):
        if self.breaker.allow():
            try:
                result = getattr(self.redis, name)(*args, **kwargs)
            except REDIS_ERRORS as error:
                self.breaker.failed(error)
            else:
                if self.breaker.succeeded():
                    self._recovered()
                return result
        if args and isinstance(args[0], str) and args[0].startswith(NOT_KEPT_PREFIXES):
            return NOT_KEPT_ANSWERS.get(name, kwargs.get("default"))
        if "timeout" in kwargs:
            kwargs["timeout"] = self._fallback_timeout(kwargs["timeout"])
        return getattr(self.fallback, name)(*args, **kwargs)

    def _fallback_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return self.fallback_seconds
        return min(timeout, self.fallback_seconds)

    def _recovered(self):
        # Nothing kept while Redis was away may outlive it: pages here may be out of date.
        self.fallback.clear()
        redis_recovered.send(sender=self.__class__, cache=self)

    def health(self) -> str:
        """ "ok" if Redis answers a PING now (bounded by the socket timeouts), else "unavailable".

        Asked by /readyz whatever the breaker's state, so that it tells the truth at once.
        """
        try:
            self.redis.client.get_client().ping()
        except REDIS_ERRORS:
            return "unavailable"
        if self.breaker.succeeded():
            self._recovered()
        return "ok"

    @property
    def degraded(self) -> bool:
        return self.breaker.is_open

    # --- Django's cache API ---------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        with contextlib.suppress(*REDIS_ERRORS):
            self.redis.close(**kwargs)
