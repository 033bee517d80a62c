"""
Showing a page that is not public yet, exactly as patients will see it.

Staff preview any draft or pending revision from the admin; a shareable link (signed, expiring,
revocable) lets a reviewer without an account read one. Both render the public page template
through the public view's own context, with a "Draft: not public" banner, `noindex` and no
caching anywhere.
"""

import secrets

from django.apps import apps
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

from clinic.pages import workflow

# Unchanged since this module was clinic/preview.py: links already shared keep working.
SALT = "clinic.preview"


def render_page_preview(request, page, *, note=""):
    """The public page for `page` (with its pending revision applied) and a draft banner."""
    shown = workflow.with_pending(page) if page.pending else page
    shown._prefetched_objects_cache = related_for_page_preview(page)
    view = import_string(page.detail_view)()
    view.setup(request, slug=page.slug)
    view.object = shown
    context = view.get_context_data(object=shown, draft_preview=note or "Draft: not public")
    response = render(request, view.template_name, context)
    return private(response)


def related_for_page_preview(page) -> dict:
    """The tags and conditions the preview shows: the pending ones if any, and only public pages.

    A share link is read by someone without an account, so a linked page that is itself not
    public (a draft condition) must not appear in it.
    """
    pending = (page.pending or {}).get("m2m", {})
    cache = {}
    for name in page.pending_m2m:
        related = page._meta.get_field(name).related_model
        queryset = related.objects.all()
        if hasattr(queryset, "published"):
            queryset = queryset.published()
        if name in pending:
            cache[name] = queryset.filter(pk__in=pending[name])
        else:
            cache[name] = queryset.filter(pk__in=getattr(page, name).values("pk"))
    return cache


def private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    return response


def share(page, *, days: int) -> str:
    """Make (or replace) the page's share link, valid for `days` days; returns its path."""
    page.preview_token = secrets.token_urlsafe(16)
    page.preview_expires = timezone.now() + timezone.timedelta(days=days)
    type(page).objects.filter(pk=page.pk).update(
        preview_token=page.preview_token, preview_expires=page.preview_expires
    )
    return share_path(page)


def revoke(page) -> None:
    page.preview_token, page.preview_expires = "", None
    type(page).objects.filter(pk=page.pk).update(preview_token="", preview_expires=None)


def share_path(page) -> str:
    if not page.preview_token:
        return ""
    value = signing.dumps(
        {"m": page._meta.label_lower, "pk": page.pk, "t": page.preview_token}, salt=SALT
    )
    return reverse("clinic:shared_preview", args=[value])


def shared_page(value: str):
    """The page a share link points at, or Http404 if it is forged, revoked or expired."""
    from clinic.pages.models import Publishable

    try:
        data = signing.loads(value, salt=SALT)
        model = apps.get_model(data["m"])
        if not issubclass(model, Publishable):
            raise Http404
        page = model.objects.get(pk=data["pk"])
    except (signing.BadSignature, KeyError, LookupError, TypeError, ValueError) as error:
        raise Http404 from error
    except ObjectDoesNotExist as error:
        raise Http404 from error
    if not (
        page.preview_token
        and secrets.compare_digest(page.preview_token, str(data.get("t", "")))
        and page.preview_expires
        and page.preview_expires > timezone.now()
    ):
        raise Http404
    return page
