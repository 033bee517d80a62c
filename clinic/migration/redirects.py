"""Old addresses answer with a permanent redirect to their new page (``Redirect`` rows).

Like ``django.contrib.redirects``, it only looks when the site itself has no page there (a 404),
so nothing here can hide a real page. The lookup tries the path with its query string (WordPress's
``/?p=12``), then the path alone, which covers Blogger's ``?m=1`` and ``?m=0`` mobile variants and
any tracking parameters. Paths are compared decoded, so ``/search/label/Back%20Pain`` matches the
row ``/search/label/Back Pain``. WordPress's ``/?p=12`` and ``/?page_id=3`` land on the home page,
which exists, so those two query names are looked up before the view runs.
"""

from django.http import HttpResponsePermanentRedirect

from clinic.migration.models import Redirect

WORDPRESS_QUERIES = ("p", "page_id", "cat", "tag", "author")


def find(path: str, query: str) -> str | None:
    candidates = [f"{path}?{query}", path] if query else [path]
    if path.endswith("/") and len(path) > 1:
        candidates.append(path.rstrip("/"))
    found = dict(
        Redirect.objects.filter(old_path__in=candidates).values_list("old_path", "new_path")
    )
    for candidate in candidates:
        if candidate in found:
            return found[candidate]
    return None


class RedirectFallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path == "/"
            and any(name in request.GET for name in WORDPRESS_QUERIES)
        ):
            target = find("/", request.META.get("QUERY_STRING", ""))
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = find(request.path, request.META.get("QUERY_STRING", ""))
        if target and target != request.path:
            return HttpResponsePermanentRedirect(target)
        return response
