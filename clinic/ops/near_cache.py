"""
Each app server's own copy of the pages it serves most, kept honest by Redis.

The page cache (clinic/ops/cache.py) stores pages in Redis, so that every app server serves the
same, current page. A hit there still costs a round trip and unpickling about 10 KB per
request. This module keeps, in each process, a bounded copy of the pages it has served or stored,
and answers from it without asking Redis, as long as it knows the current *generation*:

- Every generation move publishes a notice on a Redis channel (`notify()`), after the new
  number is written.
- Each process holds one subscription. Before a copy is served, the request checks the
  subscription without waiting (one `poll` on its socket, registered once: a hit costs one
  system call, not redis-py's read path); a notice makes it read the generation again, so a
  change saved on any server is seen as soon as its notice arrives.
- The generation is also read again at least once a second, so a missed notice, a server that
  does not publish (an older version during a rolling deploy), or a Redis that hangs costs at
  most a second of trust, never longer.
- Any fault (Redis down or hung, the breaker open) drops the subscription and the trust: the
  page cache then works as without this module, through clinic/ops/resilient_cache.py.

Only with a Redis cache: without REDIS_URL the page cache is in-process already.
"""

import contextlib
import functools
import os
import select
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.signals import setting_changed

from clinic.ops.resilient_cache import REDIS_ERRORS

GENERATION_KEY = "pagecache:generation"
CHANNEL = "pagecache:generation:moved"
RECHECK_SECONDS = 1.0


@functools.cache
def redis_client():
    """The raw redis-py client behind the default cache, or None without Redis.

    Found once per process (it is thread-safe, and every hit asks for it), and again whenever a
    setting changes (tests configure other caches)."""
    backend = getattr(cache, "redis", cache)  # ResilientRedisCache wraps django-redis
    client = getattr(backend, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client()


@functools.cache
def cache_backend():
    """The default cache's backend object itself, not the per-thread proxy `cache` (its breaker,
    and so `degraded`, is shared by the whole process); found again when a setting changes."""
    return caches[DEFAULT_CACHE_ALIAS]


def channel():
    return cache.make_key(CHANNEL)


def notify():
    """Tell every process that the generation moved (after it has been written)."""
    if getattr(cache, "degraded", False):
        return
    client = redis_client()
    if client is not None:
        # On failure, the others read the generation again within RECHECK_SECONDS.
        with contextlib.suppress(*REDIS_ERRORS):
            client.publish(channel(), b"")


class Watch:
    """This process's subscription and what it knows of the generation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pubsub = None
        self.poller = None
        self.client = None
        self.generation = None
        self.read_at = 0.0

    def current(self):
        """The current generation, or None when it cannot be vouched for (any fault)."""
        if not self.lock.acquire(blocking=False):
            return None  # another thread is checking: this request asks Redis as before
        try:
            return self._current()
        except REDIS_ERRORS as error:
            self.reset()
            breaker = getattr(cache, "breaker", None)
            if breaker is not None:  # a failure here counts as any other call's would
                breaker.failed(error)
            return None
        finally:
            self.lock.release()

    def _current(self):
        if getattr(cache_backend(), "degraded", False):
            self.reset()
            return None
        client = redis_client()
        if client is None:
            return None
        if client is not self.client:  # the cache was configured anew (tests do)
            self.reset()
            copies.clear()
            self.client = client
        if self.pubsub is None:
            self.pubsub = client.pubsub(ignore_subscribe_messages=True)
            self.pubsub.subscribe(channel())
            self.poller = subscription_poller(self.pubsub)
            self.generation = None
        elif (
            self.poller is not None
            and self.generation is not None
            and time.monotonic() - self.read_at <= RECHECK_SECONDS
            and self.poller.socket is _socket(self.pubsub)
            and not self.poller.poll(0)
        ):
            # The common case: nothing arrived on the subscription's socket since the last
            # check, which drained what redis-py had read (so its buffer is empty too).
            return self.generation
        moved = False
        while True:
            message = self.pubsub.get_message(timeout=0)
            if message is None:
                break
            moved = True
        # redis-py may have reconnected the subscription (inside get_message, or before): watch
        # the new socket, never a closed one whose number may be reused, and read the generation
        # again, since a notice sent while it was away is lost.
        reconnected = self.poller is not None and self.poller.socket is not _socket(self.pubsub)
        if reconnected:
            self.poller = subscription_poller(self.pubsub)
        if (
            moved
            or reconnected
            or self.generation is None
            or time.monotonic() - self.read_at > RECHECK_SECONDS
        ):
            # Read after subscribing and after draining: no move can fall between the two.
            # Straight from Redis (an error here is a fault, not a stand-in's answer); django-redis
            # stores integers as plain numbers. None (no generation yet): the page cache starts one.
            value = client.get(cache.make_key(GENERATION_KEY))
            self.generation = int(value) if value is not None else None
            self.read_at = time.monotonic()
        return self.generation

    def forget(self):
        """This process moved the generation: read it again before serving any copy."""
        with self.lock:
            self.generation = None

    def reset(self):
        if self.pubsub is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                self.pubsub.close()
        self.pubsub = None
        self.poller = None
        self.generation = None


class SubscriptionPoller:
    """One `poll` object on the subscription's socket (`poll(0)`: has anything arrived?)."""

    def __init__(self, sock):
        self.socket = sock
        self.poll_object = select.poll()
        self.poll_object.register(
            sock, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP
        )

    def poll(self, timeout):
        return self.poll_object.poll(timeout)


def _socket(pubsub):
    connection = getattr(pubsub, "connection", None)
    return getattr(connection, "_sock", None)


def subscription_poller(pubsub):
    """A poller on the subscription's socket, or None where redis-py hides it (then every check
    goes through get_message)."""
    sock = _socket(pubsub)
    return SubscriptionPoller(sock) if sock is not None else None


class Copies:
    """Pages by key: (generation, expires_at, stored page, its ready WSGI answer), least recently
    used dropped first, at most NEAR_CACHE_BYTES of page bodies."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0

    def get(self, key, generation):
        """The stored page, if this process has it for `generation` and it has not expired."""
        entry = self._entry(key, generation)
        return entry and entry[2]

    def ready(self, key, generation):
        """The page's ready answer (clinic.ops.cache.ReadyAnswer), as get() decides."""
        entry = self._entry(key, generation)
        return entry and entry[3]

    def _entry(self, key, generation):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            if entry[0] != generation or entry[1] <= time.time():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key, generation, expires_at, stored, ready=None):
        limit = getattr(settings, "NEAR_CACHE_BYTES", 32 * 1024 * 1024)
        size = len(stored[-1])
        if size > limit // 10:
            return
        with self.lock:
            self._drop(key)
            self.pages[key] = (generation, expires_at, stored, ready)
            self.size += size
            while self.size > limit:
                self._drop(next(iter(self.pages)))

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0

    def _drop(self, key):
        entry = self.pages.pop(key, None)
        if entry is not None:
            self.size -= len(entry[2][-1])


copies = Copies()
_watch = None
_watch_pid = None
_watch_lock = threading.Lock()


def watch():
    """This process's Watch (a new one after a fork: a subscription is never shared)."""
    global _watch, _watch_pid
    with _watch_lock:
        if _watch is None or _watch_pid != os.getpid():
            _watch, _watch_pid = Watch(), os.getpid()
            copies.clear()
        return _watch


@functools.cache
def enabled():
    if getattr(settings, "NEAR_CACHE_BYTES", 32 * 1024 * 1024) <= 0:
        return False
    return redis_client() is not None


def _setting_changed(**kwargs):
    for found_once in (redis_client, cache_backend, enabled):
        found_once.cache_clear()


setting_changed.connect(_setting_changed)
