"""The same security headers on every answer.

Django's own middleware sets most security headers (HSTS, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, X-Frame-Options, Content-Security-Policy with its nonce), configured
in clinic/settings.py. `standard_headers()` is the whole set in one place, from those settings
plus the two Django has none for (Cross-Origin-Resource-Policy, Permissions-Policy). The
outermost middleware adds whatever an answer lacks (static files, the 400 for an unknown host,
error pages, media), and clinic.ops.cache's fast path adds it to pages replayed from the cache,
which were stored below the middleware that sets them.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.csp import build_policy


@functools.cache
def standard_headers(secure: bool) -> tuple[tuple[str, str], ...]:
    """Every security header an answer carries (HSTS only over HTTPS); CSP without a nonce."""
    headers = []
    if settings.SECURE_CSP:
        headers.append(("Content-Security-Policy", build_policy(settings.SECURE_CSP)))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        headers.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if settings.CROSS_ORIGIN_RESOURCE_POLICY:
        headers.append(("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY))
    if settings.PERMISSIONS_POLICY:
        headers.append(("Permissions-Policy", settings.PERMISSIONS_POLICY))
    if settings.X_FRAME_OPTIONS:
        headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    return tuple(headers)


def _settings_changed(**kwargs):
    standard_headers.cache_clear()


setting_changed.connect(_settings_changed)


def add_missing(headers: list[tuple[str, str]], secure: bool) -> list[tuple[str, str]]:
    """`headers` (a WSGI header list) plus each standard header it lacks."""
    present = {name.lower() for name, _ in headers}
    return headers + [(n, v) for n, v in standard_headers(secure) if n.lower() not in present]


class SecurityHeadersMiddleware:
    """The outermost middleware: every answer Django gives carries the standard headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exempt = getattr(response, "xframe_options_exempt", False)
        for name, value in standard_headers(request.is_secure()):
            if not (exempt and name == "X-Frame-Options"):
                response.headers.setdefault(name, value)
        return response
