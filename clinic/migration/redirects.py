"""Old addresses answer with a permanent redirect to their new page (``Redirect`` rows).

Like ``django.contrib.redirects``, it only looks when the site itself has no page there (a 404),
so nothing here can hide a real page. The lookup tries the path with its query string (WordPress's
``/?p=12``), then the path alone, which covers Blogger's ``?m=1`` and ``?m=0`` mobile variants and
any tracking parameters. Paths are compared decoded, so ``/search/label/Back%20Pain`` matches the
row ``/search/label/Back Pain``. WordPress's ``/?p=12`` and ``/?page_id=3`` land on the home page,
which exists, so those two query names are looked up before the view runs.
"""

from urllib.parse import urlsplit

from django.http import HttpResponsePermanentRedirect

from clinic.migration.models import Redirect
from clinic.pages import registry

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


def leads_to_hidden_page(target: str) -> bool:
    """Whether the target is a page the public may not see yet (a draft, scheduled or
    unpublished page): its old address then answers 404 like the page, never naming its slug."""
    path = urlsplit(target).path
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    if not slug:
        return False
    for model in registry.page_models():
        for page in model.objects.filter(slug=slug):
            if page.get_absolute_url() == path:
                return not model.objects.published().filter(pk=page.pk).exists()
    return False


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
            if target and not leads_to_hidden_page(target):
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = find(request.path, request.META.get("QUERY_STRING", ""))
        if target and target != request.path and not leads_to_hidden_page(target):
            return HttpResponsePermanentRedirect(target)
        return response
