"""
Whole-page cache for anonymous visitors, shared by every app server through the configured cache.

A public page is stored whole (status, headers and body together) the first time an anonymous
visitor asks for it, and served from the cache after that without touching the database.

Invalidation is one number: the content *generation*, kept in the cache itself. Every stored
page remembers the generation it was rendered at and is served only while that is still the
current one. Saving or deleting anything a public page can show (any model of the clinic, blog
and conditions apps, and their many-to-many links) moves the generation on, so every page on
every app server is out of date at once; nothing has to know which pages show what.

Scheduled pages need no worker: a stored page never outlives the next scheduled publication
time, so a post scheduled for 09:00 appears at 09:00.

A page that shows something that changes with the clock ("Open now" on /about/) sets
`response.page_cache_until` to the moment it changes, and is stored no longer than that. A row
whose save changes no public page (a question still waiting for moderation) says so with
`changes_public_pages()`, so that bots posting questions cannot empty the cache.

Never cached: anyone with a session or messages cookie (staff, previews, anyone logged in),
requests with an Authorization header, anything but GET and HEAD, answers other than 200,
answers that set a cookie or used the CSRF token, streaming answers, answers marked private or
no-store, and the admin.

When Redis is down or hangs, clinic/ops/resilient_cache.py stops calling it and keeps pages in
each process's memory for a few seconds instead; when it is back, a new generation starts.

When the database is gone, a page that has been cached still answers 200: if the cache cannot
vouch for it at that moment, with the newest copy there is (stale-if-error, see keep_copy).
"""

import contextvars
import functools
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from clinic.lib import changes
from clinic.ops import near_cache, resilient_cache
from clinic.ops.headers import add_missing
from clinic.ops.middleware import DATABASE_ERRORS
from clinic.ops.near_cache import GENERATION_KEY
from clinic.pages import registry

logger = logging.getLogger(__name__)
request_log = logging.getLogger("clinic.requests")  # (once: getLogger takes a lock per call)

# Headers that belong to one visitor or one connection and are never replayed.
SKIPPED_HEADERS = {"set-cookie", "content-length", "connection", "transfer-encoding"}


def content_apps() -> set[str]:
    """The apps whose rows public pages show: ours, and every page type's."""
    return {"clinic", "patients", *(model._meta.app_label for model in registry.page_models())}


def page_cache_seconds():
    return hit_settings().seconds


class HitSettings:
    """The settings a page-cache hit reads, read once: a hit costs tens of microseconds, and
    nine look-ups through django.conf.settings were a third of them. Read again whenever a
    setting changes (override_settings sends setting_changed)."""

    def __init__(self):
        self.seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}="
        self.admin_prefixes = (f"/{settings.ADMIN_PATH}/", "/editor/")
        files = tuple(f"/{url.lstrip('/')}" for url in (settings.STATIC_URL, settings.MEDIA_URL))
        self.file_or_probe_prefixes = ("/healthz", "/readyz", *files)
        self.query_parameters = frozenset(settings.PAGE_CACHE_QUERY_PARAMETERS)
        self.proxy_ssl_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)


@functools.cache
def hit_settings() -> HitSettings:
    return HitSettings()


def _setting_changed(**kwargs):
    hit_settings.cache_clear()
    _keys.clear()


setting_changed.connect(_setting_changed)


# --- The generation -----------------------------------------------------------------------


def _new_generation():
    # A fresh start (Redis back after a fault) must never match a page stored before it.
    generation = time.time_ns()
    cache.set(GENERATION_KEY, generation, None)
    generation_moved()
    return generation


def _first_generation():
    """The generation when a read found none: first use, Redis emptied, or a read that failed.

    Only added, never overwritten: one read that timed out under load must not replace the
    shared generation (which would make every stored page on every server out of date, and
    while the database is gone, a 503).
    """
    generation = time.time_ns()
    if cache.add(GENERATION_KEY, generation, None):
        generation_moved()
        return generation
    return cache.get(GENERATION_KEY) or generation


def bump_generation():
    """Mark every stored page out of date, on every app server."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start a new one
        _new_generation()
    else:
        generation_moved()


def generation_moved():
    """Every app server's own copies of pages (clinic/ops/near_cache.py) are out of date."""
    if near_cache.enabled():
        near_cache.watch().forget()
        near_cache.notify()


def content_changed(sender, **kwargs):
    if sender._meta.app_label not in content_apps():
        return
    if sender._meta.label in getattr(settings, "PAGE_CACHE_IGNORED_MODELS", ()):
        return
    # A row may say that this change shows nowhere (a question still waiting for moderation).
    instance = kwargs.get("instance")
    changes_public_pages = getattr(instance, "changes_public_pages", None)
    if changes_public_pages is not None and not changes_public_pages():
        return
    if changes.in_one_change():
        # One save of many rows (clinic.lib.changes): moved once, when the block ends.
        changes.note_change()
        return
    # Now, so that nothing older is served from here on; and again after the commit, so that a
    # page rendered from the old rows while the transaction was open is never stored as current.
    bump_generation()
    bump_generation_on_commit()


def bump_generation_on_commit(**kwargs):
    """Move the generation when the current transaction commits (at once outside one), once.

    A page rendered from the old rows while the transaction was open is stored under the old
    generation, which is out of date by the time anyone could be served it.
    """
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    for savepoints, func, _robust in connection.run_on_commit:
        # Already queued, and it cannot be rolled back without this change going too.
        if func is bump_generation and savepoints <= open_savepoints:
            return
    transaction.on_commit(bump_generation)


def m2m_content_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        content_changed(sender, **kwargs)


def redis_recovered(sender, **kwargs):
    # Saves made while Redis was away moved only a per-process generation: start a new one.
    _new_generation()


def connect_signals():
    resilient_cache.redis_recovered.connect(redis_recovered, dispatch_uid="pagecache_recovered")
    post_save.connect(content_changed, dispatch_uid="pagecache_save")
    post_delete.connect(content_changed, dispatch_uid="pagecache_delete")
    m2m_changed.connect(m2m_content_changed, dispatch_uid="pagecache_m2m")
    changes.changed.connect(bump_generation_on_commit, dispatch_uid="pagecache_one_change")


# --- Fragments -------------------------------------------------------------------------------


def fragment(name, compute):
    """`compute()`, kept in the shared cache until any content changes (FRAGMENT_CACHE_SECONDS).

    For the costly parts of a page (the related articles, the clinic's settings), so that a page
    the page cache cannot serve (a first visit, a logged-in reader) still skips them. The value
    is stored with the generation it was computed at. During a request, the page's first cache
    call (PageLookup) has usually fetched it already, with every other fragment the page used
    last time: one round trip for all of them.
    """
    seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute()
    key = f"fragment:{name}"
    looked = _current.get()
    if looked is not None:
        looked.used.append(key)
        generation = looked.generation
        stored = looked.found.get(key) if key in looked.asked else cache.get(key)
    else:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = _first_generation()
        stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = compute()
    next_publication = seconds_until_next_publication(generation)
    if next_publication is not None:
        seconds = min(seconds, int(next_publication))
    if seconds > 0:
        cache.set(key, (generation, value), seconds)
    return value


# --- Scheduled publication ------------------------------------------------------------------

NEXT_KEY = "pagecache:next"


def seconds_until_next_publication(generation):
    """Seconds until the next scheduled page goes live (None: nothing scheduled)."""
    looked = _current.get()
    if looked is not None and NEXT_KEY in looked.asked:
        found = looked.found.get(NEXT_KEY)
    else:
        found = cache.get(NEXT_KEY)
    if found is not None and found[0] == generation:
        moment = found[1]
    else:
        moments = [
            model.objects.scheduled().values_list("published_at", flat=True).first()
            for model in registry.page_models()
        ]
        moments = [m.timestamp() for m in moments if m is not None]
        moment = min(moments) if moments else 0
        # Remember it for this generation until that moment comes.
        timeout = max(1, int(moment - time.time())) if moment else 600
        cache.set(NEXT_KEY, (generation, moment), timeout)
        if looked is not None:
            looked.found[NEXT_KEY] = (generation, moment)
            looked.asked.add(NEXT_KEY)
    if not moment:
        return None
    return moment - time.time()


# --- The middleware -------------------------------------------------------------------------


def environ_is_cacheable(environ):
    """Decided from the WSGI environ alone (request.META), so that clinic.wsgi can decide too.

    Substring tests on the raw cookie header and query string only ever err towards bypassing.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    if hit_settings().session_cookie in cookies or "messages=" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in environ:
        return False
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if "preview" in path or "preview" in query or "token" in query:
        return False
    return not (path.startswith(hit_settings().admin_prefixes) or is_file_or_probe(path))


def is_file_or_probe(path):
    """Health checks (which must not depend on the cache), static files and media (which have
    their own far-future caching): no cache lookup at all."""
    return path.startswith(hit_settings().file_or_probe_prefixes)


def environ_scheme(environ):
    """http or https, as Django's request.scheme decides (the proxy's header only if trusted)."""
    header = hit_settings().proxy_ssl_header
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def request_is_cacheable(request):
    return environ_is_cacheable(request.META)


def page_query(environ) -> str:
    """The query string reduced to the parameters pages read, sorted.

    `?utm_source=x&page=2` and `?page=2` are one page: only PAGE_CACHE_QUERY_PARAMETERS (the
    search's `q`, the lists' `page`) make a page differ. A view that reads another parameter
    must add it there.
    """
    query = environ.get("QUERY_STRING", "")
    if not query:
        return ""
    known = hit_settings().query_parameters
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(sorted((name, value) for name, value in pairs if name in known))


# Keys worked out recently, by what they were worked out from (bounded; emptied when full).
KNOWN_KEYS = 4096
_keys: dict[tuple, str] = {}


def environ_key(environ):
    """The page's key: scheme (a proxy's header only when it is trusted), host, path and the
    query parameters pages read. Nothing else a client sends makes a new entry."""
    asked = (
        environ_scheme(environ),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )
    key = _keys.get(asked)
    if key is None:
        scheme, host, path, _ = asked
        url = "|".join([scheme, host.lower(), path, page_query(environ)])
        digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
        key = "pagecache:page:" + digest
        if len(_keys) >= KNOWN_KEYS:
            _keys.clear()
        _keys[asked] = key
    return key


def may_store_variant(environ, generation, seconds) -> bool:
    """At most PAGE_CACHE_MAX_VARIANTS stored pages per path and generation (and time window):
    searches, page numbers, host names. Past that, the path is rendered each time."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    window = int(time.time() // max(seconds, 1))
    counter = f"pagecache:variants:{digest}:{generation}:{window}"
    cache.add(counter, 0, seconds * 2)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted meanwhile
        return True
    return count <= settings.PAGE_CACHE_MAX_VARIANTS


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or "admin" in match.namespaces:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return not getattr(response, "page_cache_exempt", False)


# --- One round trip per page ------------------------------------------------------------------
# Which fragments each page used the last time this process rendered it: a hint, bounded, wrong
# at worst by one round trip. A page's first cache call asks for them all at once, with the
# generation, the stored page and the next publication time.
KNOWN_PAGES = 2000
_known_fragments: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_known_lock = threading.Lock()


# --- While the database is gone ---------------------------------------------------------------
# The last copy of each page this process served or stored (the object itself, not a copy: a
# hit costs a dictionary update), up to STALE_COPIES_BYTES. While the database cannot be
# reached, a page that has been cached answers 200 with the newest copy there is, this one or
# the shared cache's out-of-date entry, instead of a 503 (HTTP's stale-if-error, RFC 5861): the
# page as it was before the last few saves, for as long as the database is away. A Redis call
# that times out, or the new generation that follows a Redis fault, then costs no 503.
STALE_COPIES_BYTES = 16 * 1024 * 1024
_copies: OrderedDict[str, tuple] = OrderedDict()
_copies_size = 0
_copies_lock = threading.Lock()
STALE_LOG_SECONDS = 10
_stale_logged_at = -STALE_LOG_SECONDS


def keep_copy(key, stored):
    global _copies_size
    if _copies.get(key) is stored:
        return  # kept already (a page served again from the same copy)
    with _copies_lock:
        previous = _copies.pop(key, None)
        if previous is not None:
            _copies_size -= len(previous[-1])
        _copies[key] = stored
        _copies_size += len(stored[-1])
        while _copies_size > STALE_COPIES_BYTES and _copies:
            _, dropped = _copies.popitem(last=False)
            _copies_size -= len(dropped[-1])


def stale_copy(looked):
    """The newest copy of the page there is, whatever its generation (None: never cached)."""
    with _copies_lock:
        kept = _copies.get(looked.key)
    found = looked.found.get(looked.key)
    # (A page stored by an older version of this code has four parts, not five.)
    copies = [copy for copy in (kept, found) if copy is not None and len(copy) == 5]
    return max(copies, key=lambda copy: copy[0]) if copies else None


class PageLookup:
    """What a request's first round trip to the cache found."""

    def __init__(self, key, found, asked):
        self.key, self.found, self.asked = key, found, set(asked)
        generation = found.get(GENERATION_KEY)
        self.generation = generation if generation is not None else _first_generation()
        self.used: list[str] = []

    @property
    def stored(self):
        """The stored page, (generation, expires_at, status, headers, content), if current."""
        stored = self.found.get(self.key)
        if stored is None or len(stored) != 5 or stored[0] != self.generation:
            return None  # (a page stored by an older version of this code has four parts)
        return stored

    def remember_fragments(self):
        used = tuple(dict.fromkeys(self.used))
        with _known_lock:
            _known_fragments[self.key] = used
            _known_fragments.move_to_end(self.key)
            while len(_known_fragments) > KNOWN_PAGES:
                _known_fragments.popitem(last=False)


_current: contextvars.ContextVar[PageLookup | None] = contextvars.ContextVar(
    "clinic_page_lookup", default=None
)


def lookup(environ, key=None) -> PageLookup:
    key = key or environ_key(environ)
    with _known_lock:
        fragments = _known_fragments.get(key, ())
    asked = [GENERATION_KEY, NEXT_KEY, key, *fragments]
    return PageLookup(key, cache.get_many(asked), asked)


def fast_path(application):
    """WSGI wrapper: a stored page is answered before Django builds a request at all.

    The same page, headers and ETag as PageCacheMiddleware would replay (it stored them), with
    If-None-Match answered 304, and the same JSON log line. Anything else goes to Django, with
    the lookup passed along so that the middleware does not ask the cache twice.
    """

    def app(environ, start_response):
        if page_cache_seconds() <= 0 or not environ_is_cacheable(environ):
            return application(environ, start_response)
        started = time.perf_counter()
        key = environ_key(environ)
        near = near_cache.enabled()
        if near:
            # This server's own copy, while it knows the generation: no round trip at all.
            generation = near_cache.watch().current()
            ready = near_cache.copies.ready(key, generation) if generation is not None else None
            if ready is not None:
                return answer(environ, start_response, ready, started)
        looked = lookup(environ, key)
        if looked.stored is None:
            environ["clinic.page_cache"] = looked
            return application(environ, start_response)
        keep_copy(key, looked.stored)
        ready = ReadyAnswer(looked.stored)
        if near:
            near_cache.copies.put(key, looked.generation, looked.stored[1], looked.stored, ready)
        return answer(environ, start_response, ready, started)

    return app


class ReadyAnswer:
    """A stored page's WSGI status line and headers (with the security headers, over HTTP and
    over HTTPS), worked out once per copy this server keeps rather than on every hit."""

    __slots__ = ("etag", "headers", "status", "stored")

    def __init__(self, stored):
        _, _, status, headers, content = stored
        self.stored = stored
        self.status = f"{status} {HTTPStatus(status).phrase}"
        self.etag = next((value for name, value in headers if name.lower() == "etag"), None)
        full = [*headers, ("Content-Length", str(len(content))), ("X-Page-Cache", "hit")]
        # Stored below the middleware that adds them: the same headers as any other answer.
        self.headers = {secure: add_missing(full, secure) for secure in (False, True)}


def answer(environ, start_response, ready, started):
    """A stored page as the WSGI answer (304 when the visitor has it already)."""
    content = ready.stored[-1]
    secure = environ_scheme(environ) == "https"
    if ready.etag and ready.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
        status, content = 304, b""
        headers = [
            (name, "0" if name == "Content-Length" else value)
            for name, value in ready.headers[secure]
            if name.lower() != "content-type"
        ]
        start_response(f"304 {HTTPStatus(304).phrase}", headers)
    else:
        status = ready.stored[2]
        start_response(ready.status, ready.headers[secure])
    log_hit(environ, status, started)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [content]


def log_hit(environ, status, started):
    if request_log.isEnabledFor(logging.INFO):
        line = {
            "method": environ["REQUEST_METHOD"],
            "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "queries": 0,
            "cache": "hit",
        }
        request_log.info(json.dumps(line, separators=(",", ":")))


class PageCacheMiddleware:
    """Serve anonymous public pages whole from the shared cache (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        cacheable = seconds > 0 and request_is_cacheable(request)
        fragments = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) > 0 and not is_file_or_probe(
            request.path_info
        )
        if not (cacheable or fragments):
            request.page_cache = "bypass"
            return self.get_response(request)

        # clinic.wsgi may have looked already: one round trip for the generation, the page and
        # the fragments the page used last time.
        looked = request.META.get("clinic.page_cache") or lookup(request.META)
        if cacheable and looked.stored is not None:
            request.page_cache = "hit"
            keep_copy(looked.key, looked.stored)
            response = self.replay(looked.stored)
            response["X-Page-Cache"] = "hit"
            return response

        request.page_cache = "miss" if cacheable else "bypass"
        if cacheable:
            request.page_lookup = looked
        token = _current.set(looked)
        try:
            response = self.get_response(request)
            if (
                cacheable
                and response_is_cacheable(request, response)
                and self.store(request, response, looked.key, looked.generation, seconds)
            ):
                response["X-Page-Cache"] = "miss"
        finally:
            _current.reset(token)
            looked.remember_fragments()
        return response

    def store(self, request, response, key, generation, seconds):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        next_publication = seconds_until_next_publication(generation)
        if next_publication is not None:
            seconds = min(seconds, int(next_publication))
        # A page that shows something that changes with time ("Open now") says until when.
        until = getattr(response, "page_cache_until", None)
        if until is not None:
            seconds = min(seconds, int((until - timezone.now()).total_seconds()))
        if seconds <= 0 or not may_store_variant(request.META, generation, seconds):
            return False
        content = response.content
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in SKIPPED_HEADERS
        ]
        stored = (generation, time.time() + seconds, response.status_code, headers, content)
        cache.set(key, stored, seconds)
        keep_copy(key, stored)
        if near_cache.enabled():
            near_cache.copies.put(key, generation, stored[1], stored, ReadyAnswer(stored))
        return True

    def process_exception(self, request, exception):
        """The database is gone: a page that has been cached answers with its newest copy,
        even out of date, rather than a 503 (see keep_copy above)."""
        looked = getattr(request, "page_lookup", None)
        if looked is None or not isinstance(exception, DATABASE_ERRORS):
            return None
        stored = stale_copy(looked)
        if stored is None:
            return None
        global _stale_logged_at
        now = time.monotonic()
        if now - _stale_logged_at > STALE_LOG_SECONDS:  # one line per interval, not per page
            _stale_logged_at = now
            logger.warning(
                "database unavailable (%s); serving stored copies of cached pages",
                (str(exception).strip().splitlines() or [""])[0],
            )
        request.page_cache = "stale"
        response = self.replay(stored)
        response["X-Page-Cache"] = "stale"
        response.page_cache_exempt = True  # served as it was, never stored again
        return response

    def replay(self, stored):
        _, _, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
