"""The page admin's history: every saved version, two versions side by side, and restoring one
through the workflow's rules (clinic/pages/history.py does the work)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clinic.pages import history, workflow


class HistoryAdminMixin:
    """History, compare and restore views for PublishableAdmin."""

    def _visible_object(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self._visible_object(request, object_id)
        meta = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": meta,
            "module_name": str(meta.verbose_name_plural).capitalize(),
            "versions": list(history.versions(obj)),
            "can_restore": self.has_change_permission(request, obj),
            "compare_url": reverse(
                f"admin:{meta.app_label}_{meta.model_name}_compare", args=[obj.pk]
            ),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        """Two versions side by side; `b` empty = the page as it is now; `since` = a stamp."""
        obj = self._visible_object(request, object_id)
        versions = history.versions(obj)
        now_label = "Now"

        def pick(key):
            value = request.GET.get(key, "")
            if not value.isdigit():
                return None
            return versions.filter(pk=int(value)).first()

        before, after = pick("a"), pick("b")
        since = request.GET.get("since", "")
        if before is None and since:
            try:
                moment = datetime.datetime.fromisoformat(since)
            except ValueError:
                moment = None
            if moment is not None:
                before = versions.filter(revision__date_created__lte=moment).first()
        if before is None:
            before = versions[1:2].first() or versions.first()
        if before is None:
            raise Http404

        def label(version):
            when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
            return f"{when} by {version.revision.user or 'unknown'}"

        after_content = history.content_of(after) if after else history.current_content(obj)
        table = history.side_by_side(
            self.model,
            history.content_of(before),
            after_content,
            label(before),
            label(after) if after else now_label,
        )
        meta = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": meta,
            "table": table,
            "history_url": reverse(
                f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/clinic/compare_versions.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = history.versions(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404
        messages.success(request, history.restore(page=obj, version=version, by=request.user))
        meta = self.model._meta
        return redirect(f"admin:{meta.app_label}_{meta.model_name}_change", obj.pk)

    # reversion's own revert and recover views write old rows straight back (status included),
    # past the workflow's rules; restoring goes through restore_view instead.
    def revision_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.can_publish(request.user, self.model):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.can_publish(request.user, self.model):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)
