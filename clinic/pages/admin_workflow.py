"""The page admin's workflow panel: what it shows, and the views its buttons post to. Which
steps a person may take is the workflow's answer (workflow.may_take, available_steps)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format

from clinic.pages import checks, preview, workflow
from clinic.practice.models import Practitioner


class WorkflowAdminMixin:
    """The preview and workflow-step views of PublishableAdmin."""

    def preview_view(self, request, object_id):
        """The page as patients will see it, pending changes included, for whoever may see it."""
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        label = (
            "Draft: not public. Preview of the changes waiting for review." if obj.pending else ""
        )
        return preview.render_page_preview(request, obj, note=label)

    def workflow_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if step not in workflow.STEPS:
            raise Http404
        if not workflow.may_take(request.user, obj, step):
            raise PermissionDenied
        try:
            done = self.take_step(request, obj, step)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        meta = self.model._meta
        return redirect(f"admin:{meta.app_label}_{meta.model_name}_change", obj.pk)

    def take_step(self, request, obj, step) -> str:
        user, data = request.user, request.POST
        if step == "share":
            try:
                days = int(data.get("days", ""))
            except ValueError:
                days = 0
            if not 1 <= days <= 90:
                raise workflow.WorkflowError("A share link lasts from 1 to 90 days.")
            preview.share(obj, days=days)
            return f"Share link made; it works for {days} days unless you revoke it."
        if step == "revoke":
            preview.revoke(obj)
            return "Share link revoked: it no longer works."
        if step == "submit":
            workflow.submit(page=obj, by=user)
            return "Submitted for review. The editors have been told by e-mail."
        if step == "request_changes":
            workflow.request_changes(page=obj, by=user, note=data.get("note", ""))
            return "Sent back to the author with your note."
        if step == "unpublish":
            workflow.unpublish(page=obj, by=user, note=data.get("note", ""))
            return "Unpublished: patients can no longer see this page."
        if step == "mark_reviewed":
            reviewer = Practitioner.objects.filter(pk=data.get("reviewer") or None).first()
            if reviewer is None:
                raise workflow.WorkflowError("Choose the practitioner who reviewed the page.")
            workflow.mark_reviewed(page=obj, by=user, reviewer=reviewer)
            return f"Marked as medically reviewed by {reviewer}."
        publish_at = parse_publish_at(data.get("publish_at", ""))
        transition = workflow.approve(page=obj, by=user, publish_at=publish_at)
        if transition.action == "schedule":
            when = date_format(timezone.localtime(publish_at), "DATETIME_FORMAT")
            return f"Approved and scheduled for {when}."
        return "Approved: the page is live."


def parse_publish_at(value: str):
    """The approve form's optional date and time (the clinic's time zone); empty = now."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise workflow.WorkflowError(
            "Give the publication time as a date and time, e.g. 2026-12-01 09:00."
        ) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def workflow_panel(request, obj) -> dict:
    """What the workflow panel shows; which buttons, the workflow decides (available_steps)."""
    user = request.user
    publisher = workflow.can_publish(user, obj)
    steps = workflow.available_steps(user, obj)
    return {
        "obj": obj,
        "checks": checks.analyse(workflow.text_to_publish(obj)),
        "status_label": status_label(obj),
        "transitions": list(workflow.history(obj)[:20]),
        "pending": obj.pending,
        "pending_submitted": workflow.pending_submitted(obj),
        "can_submit": "submit" in steps,
        "can_review": "request_changes" in steps,
        "can_approve": "approve" in steps,
        "can_unpublish": "unpublish" in steps,
        "can_mark_reviewed": "mark_reviewed" in steps,
        "practitioners": Practitioner.objects.all() if publisher else [],
        "my_practitioner": getattr(user, "practitioner", None),
        "publisher": publisher,
        "can_share": "share" in steps,
        "share_url": request.build_absolute_uri(preview.share_path(obj))
        if obj.preview_token and obj.preview_expires and obj.preview_expires > timezone.now()
        else "",
    }


def status_label(obj) -> str:
    label = obj.get_status_display()
    if obj.is_scheduled:
        label = (
            f"Scheduled for {date_format(timezone.localtime(obj.published_at), 'DATETIME_FORMAT')}"
        )
    if obj.pending:
        label += (
            " · changes waiting for review"
            if workflow.pending_submitted(obj)
            else " · unsubmitted changes"
        )
    return label
