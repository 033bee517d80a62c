"""
The editor's JSON endpoints, for staff: the live preview with its writing checks, the citation
picker's library search, and autosave (static/js/editor.js calls them).

Each answers JSON with a message a person can read, never a traceback; each checks the same
permissions as the admin page it serves.
"""

import json

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.pages import autosave, checks, inline_images
from clinic.pages.editor import preview_paused, staff_only
from clinic.references.models import Reference
from clinic.references.numbering import render_live_preview

MAX_RESULTS = 20


@require_POST
@staff_only
def preview(request):
    """The Markdown rendered as patients will see it, and the writing checks of the text."""
    if paused := preview_paused(request):
        return JsonResponse({"error": paused}, status=429)
    content = request.POST.get("content")
    if content is None:
        return JsonResponse({"error": "Nothing to preview."}, status=400)
    heading_base = 2 if request.POST.get("heading_base") == "2" else 1
    try:
        html = render_live_preview(content, images=inline_images.lookup(content))
        report = checks.analyse(content, heading_base=heading_base)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"html": html, "report": report.as_dict()})


@require_GET
@staff_only
def citations(request):
    """Library references matching every word of `q` (key, title, authors, journal, DOI, PMID;
    a four-digit word is a year), for the citation picker."""
    reference_admin = admin.site._registry.get(Reference)
    if reference_admin is None or not reference_admin.has_view_permission(request):
        raise PermissionDenied
    words = request.GET.get("q", "").split()[:8]
    queryset = Reference.objects.all()
    text = []
    for word in words:
        if word.isdigit() and len(word) == 4:
            queryset = queryset.filter(year=int(word))
        else:
            text.append(word.lstrip("@"))
    if text:
        queryset, _ = reference_admin.get_search_results(request, queryset, " ".join(text))
    found = queryset.order_by("-year", "key")[:MAX_RESULTS]
    return JsonResponse(
        {
            "results": [
                {
                    "key": ref.key,
                    "text": ref.formatted_text or ref.title,
                    "retracted": ref.retracted,
                }
                for ref in found
            ]
        }
    )


def _page_admin(request, model_label: str, object_id: int):
    """The page's ModelAdmin and the page (None for a new one), if this person may edit it."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not getattr(model, "pending_fields", None):
        raise Http404
    if object_id == autosave.NEW_PAGE:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return model, None
    page = model_admin.get_object(request, str(object_id))
    if page is None:
        raise Http404
    if not model_admin.has_change_permission(request, page):
        raise PermissionDenied
    return model, page


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "H:i, j M")


@require_http_methods(["GET", "POST"])
@staff_only
def autosave_view(request, model_label: str, object_id: int):
    """GET: this person's autosave of the form, with what it changes. POST `data` (the form as
    JSON) and `edit_stamp`: keep it; POST `discard`: remove it."""
    model, page = _page_admin(request, model_label, object_id)
    user = request.user
    if request.method == "GET":
        kept = autosave.find(user=user, model=model, object_id=object_id)
        if kept is None:
            return JsonResponse({"autosave": None})
        return JsonResponse(
            {
                "autosave": {
                    "data": kept.data,
                    "saved": _when(kept.saved_at),
                    "stale": autosave.is_stale(kept, page),
                    "page_saved": _when(page.updated_at) if page is not None else "",
                    "diff": autosave.diff(kept, model, page),
                }
            }
        )
    if request.POST.get("discard"):
        autosave.discard(user=user, model=model, object_id=object_id)
        return JsonResponse({"discarded": True})
    try:
        data = json.loads(request.POST.get("data", ""))
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        for value in data.values()
    ):
        return JsonResponse({"error": "The draft copy could not be read."}, status=400)
    kept = autosave.save(
        user=user,
        model=model,
        object_id=object_id,
        data=data,
        based_on=request.POST.get("edit_stamp", ""),
    )
    return JsonResponse(
        {
            "saved": _when(kept.saved_at),
            "stale": autosave.is_stale(kept, page),
            "page_saved": _when(page.updated_at) if page is not None else "",
        }
    )
