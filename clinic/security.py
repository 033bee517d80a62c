"""Security headers Django has no setting for: Cross-Origin-Resource-Policy and Permissions-Policy.

Everything else (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options,
Content-Security-Policy) comes from Django's own middleware, configured in clinic/settings.py.
"""

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
