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

Never cached: anyone with a session or messages cookie (staff, previews, anyone logged in),
requests with an Authorization header, anything but GET and HEAD, answers other than 200,
answers that set a cookie or used the CSRF token, streaming answers, answers marked private or
no-store, and the admin.

When Redis is down or hangs, clinic/ops/resilient_cache.py stops calling it and keeps pages in
each process's memory for a few seconds instead; when it is back, a new generation starts.
"""

import hashlib
import json
import logging
import time
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.http import http_date

from clinic.ops import resilient_cache
from clinic.ops.headers import add_missing
from clinic.pages import registry

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Headers that belong to one visitor or one connection and are never replayed.
SKIPPED_HEADERS = {"set-cookie", "content-length", "connection", "transfer-encoding"}


def content_apps() -> set[str]:
    """The apps whose rows public pages show: ours, and every page type's."""
    return {"clinic", *(model._meta.app_label for model in registry.page_models())}


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


# --- The generation -----------------------------------------------------------------------


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
    return generation


def _new_generation():
    # A fresh start (first use, or Redis emptied) must never match a page stored before it.
    generation = time.time_ns()
    cache.set(GENERATION_KEY, generation, None)
    return generation


def bump_generation():
    """Mark every stored page out of date, on every app server."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start a new one
        _new_generation()


def content_changed(sender, **kwargs):
    if sender._meta.app_label not in content_apps():
        return
    if sender._meta.label in getattr(settings, "PAGE_CACHE_IGNORED_MODELS", ()):
        return
    # Now, so that nothing older is served from here on; and again after the commit, so that a
    # page rendered from the old rows while the transaction was open is never stored as current.
    bump_generation()
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


# --- Fragments -------------------------------------------------------------------------------


def fragment(name, compute):
    """`compute()`, kept in the shared cache until any content changes (FRAGMENT_CACHE_SECONDS).

    For the costly parts of a page (the related articles, the clinic's settings), so that a page
    the page cache cannot serve (a first visit, a logged-in reader) still skips them. The value
    is stored with the generation it was computed at, and one round trip fetches both.
    """
    seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute()
    key = f"fragment:{name}"
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
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


def seconds_until_next_publication(generation):
    """Seconds until the next scheduled page goes live (None: nothing scheduled)."""
    key = f"pagecache:next:{generation}"
    moment = cache.get(key)
    if moment is None:
        moments = [
            model.objects.scheduled().values_list("published_at", flat=True).first()
            for model in registry.page_models()
        ]
        moments = [m.timestamp() for m in moments if m is not None]
        moment = min(moments) if moments else 0
        # Remember it for this generation until that moment comes.
        timeout = max(1, int(moment - time.time())) if moment else 600
        cache.set(key, moment, timeout)
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
    if f"{settings.SESSION_COOKIE_NAME}=" in cookies or "messages=" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in environ:
        return False
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if "preview" in path or "preview" in query or "token" in query:
        return False
    admin_prefix = f"/{settings.ADMIN_PATH}/"
    # Static files and media have their own (far-future) caching; no lookup for them.
    files = tuple(f"/{url.lstrip('/')}" for url in (settings.STATIC_URL, settings.MEDIA_URL))
    return not path.startswith((admin_prefix, "/editor/", "/healthz", "/readyz", *files))


def environ_scheme(environ):
    """http or https, as Django's request.scheme decides (the proxy's header only if trusted)."""
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def request_is_cacheable(request):
    return environ_is_cacheable(request.META)


def environ_key(environ):
    """The page's key: scheme (and the proxy's), host, path and query string, as received."""
    url = "|".join(
        [
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        ]
    )
    return "pagecache:page:" + hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()


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


def page_key(request):
    return environ_key(request.META)


def lookup(environ):
    """(key, current generation, stored page or None), in one round trip to the cache."""
    key = environ_key(environ)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
    return key, generation, found.get(key)


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
        key, generation, stored = lookup(environ)
        if stored is None or stored[0] != generation:
            environ["clinic.page_cache"] = (key, generation, stored)
            return application(environ, start_response)
        _, status, headers, content = stored
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            status, content = 304, b""
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-type",)]
        headers = [*headers, ("Content-Length", str(len(content))), ("X-Page-Cache", "hit")]
        # Stored below the middleware that adds them: the same headers as any other answer.
        headers = add_missing(headers, environ_scheme(environ) == "https")
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        log_hit(environ, status, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [content]

    return app


def log_hit(environ, status, started):
    request_log = logging.getLogger("clinic.requests")
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
        if seconds <= 0 or not request_is_cacheable(request):
            request.page_cache = "bypass"
            return self.get_response(request)

        # clinic.wsgi looked already (one round trip for the generation and the page).
        looked = request.META.get("clinic.page_cache")
        if looked is not None:
            key, generation, stored = looked
        else:
            key, generation, stored = lookup(request.META)
        if stored is not None and stored[0] == generation:
            request.page_cache = "hit"
            response = self.replay(stored)
            response["X-Page-Cache"] = "hit"
            return response

        request.page_cache = "miss"
        response = self.get_response(request)
        if response_is_cacheable(request, response):
            self.store(request, response, key, generation, seconds)
            response["X-Page-Cache"] = "miss"
        return response

    def store(self, request, response, key, generation, seconds):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        next_publication = seconds_until_next_publication(generation)
        if next_publication is not None:
            seconds = min(seconds, int(next_publication))
        if seconds <= 0:
            return
        content = response.content
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in SKIPPED_HEADERS
        ]
        cache.set(key, (generation, response.status_code, headers, content), seconds)

    def replay(self, stored):
        _, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
