"""Who is asking: the client's address (behind trusted proxies) and the log-in lock-out backend."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


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
