"""Security plumbing: headers Django has no setting for, the client address, log-in lock-out.

Cross-Origin-Resource-Policy and Permissions-Policy are added here.

Everything else (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options,
Content-Security-Policy) comes from Django's own middleware, configured in clinic/settings.py.
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CROSS_ORIGIN_RESOURCE_POLICY:
            response.headers.setdefault(
                "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
            )
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request) -> str:
    """The visitor's address, for log-in throttling and the audit trail.

    X-Forwarded-For is only believed as far as settings.TRUSTED_PROXY_COUNT says: each trusted
    proxy appends the address it saw, so the client is the entry that many places from the end.
    Entries further left were written by the client and could say anything.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, for log-ins that come with a request.

    Log-ins from code (the test client, management commands) have no request and no address to
    throttle; axes would refuse them outright, so this backend stands aside for them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
