"""
The editors' admin pages: the review queue and the medical review dashboard.

Both list posts and condition pages together; both are for people who may publish.
"""

import datetime
import difflib

from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clinic.pages import checks, registry, workflow
from clinic.pages.publishing import Status


def publishable_models():
    return registry.page_models()


def _require_editor(request):
    if not any(workflow.can_publish(request.user, model) for model in publishable_models()):
        raise PermissionDenied


def admin_url(page, name="change"):
    meta = page._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=[page.pk])


def diff_lines(page) -> list[tuple[str, str]]:
    """A unified diff of the pending text against the live text, as (css class, line) pairs."""
    if not page.pending:
        return []
    live = page.markdown_source()
    proposed = workflow.with_pending(page)
    before = [f"Title: {page}", "", *live.splitlines()]
    after = [f"Title: {proposed}", "", *proposed.markdown_source().splitlines()]
    lines = []
    for line in difflib.unified_diff(before, after, "live", "proposed", lineterm="", n=2):
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


def queue(request):
    """Everything waiting for review, oldest first, with its author, age and changes."""
    _require_editor(request)
    now = timezone.now()
    items = []
    for model in publishable_models():
        if not workflow.can_publish(request.user, model):
            continue
        waiting = model.objects.filter(
            Q(status=Status.IN_REVIEW) | Q(status=Status.PUBLISHED, submitted_at__isnull=False)
        ).select_related("created_by")
        for page in waiting:
            author = getattr(page, "author", None)
            items.append(
                {
                    "page": page,
                    "kind": model._meta.verbose_name,
                    "author": author or page.created_by,
                    "submitted_at": page.submitted_at or page.updated_at,
                    "age": now - (page.submitted_at or page.updated_at),
                    "is_change": page.status == Status.PUBLISHED,
                    "diff": diff_lines(page),
                    "checks": checks.analyse(workflow.text_to_publish(page)),
                    "change_url": admin_url(page),
                    "preview_url": admin_url(page, "preview"),
                }
            )
    items.sort(key=lambda item: item["submitted_at"])
    context = {**site.each_context(request), "title": "Review queue", "items": items}
    return render(request, "admin/clinic/review_queue.html", context)


def dates(request):
    """Medical review: overdue, due within 30 days, and never reviewed."""
    _require_editor(request)
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    groups = {"overdue": [], "due_soon": [], "never": []}
    for model in publishable_models():
        if not workflow.can_publish(request.user, model):
            continue
        pages = model.objects.exclude(status=Status.UNPUBLISHED).select_related(
            "medically_reviewed_by"
        )
        for page in pages.filter(next_review_due__lt=today):
            groups["overdue"].append(page)
        for page in pages.filter(next_review_due__gte=today, next_review_due__lte=soon):
            groups["due_soon"].append(page)
        for page in pages.filter(last_reviewed__isnull=True):
            groups["never"].append(page)
    sections = [
        ("Overdue", sorted(groups["overdue"], key=lambda p: p.next_review_due)),
        ("Due within 30 days", sorted(groups["due_soon"], key=lambda p: p.next_review_due)),
        ("Never reviewed", sorted(groups["never"], key=lambda p: p.created_at)),
    ]
    rows = [
        (heading, [(page, admin_url(page), page._meta.verbose_name) for page in pages])
        for heading, pages in sections
    ]
    context = {
        **site.each_context(request),
        "title": "Medical review dates",
        "sections": rows,
        "today": today,
    }
    return render(request, "admin/clinic/review_dates.html", context)
