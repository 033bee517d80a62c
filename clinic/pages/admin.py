"""What the admin of every page type shares: the page form, the references inline, the
workflow panel and history (PublishableAdmin); blog and conditions subclass it."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from markdownx.admin import MarkdownxModelAdmin
from reversion.admin import VersionAdmin

from clinic.lib import changes, markdown
from clinic.lib.editor import EditorMedia
from clinic.pages import history, preview, workflow
from clinic.pages.publishing import Status
from clinic.practice.models import Practitioner
from clinic.references.models import Reference


class CitationFormSet(BaseInlineFormSet):
    """Refuses a save whose text cites a key that is not attached to the page."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        attached = {
            form.cleaned_data["reference"].key
            for form in self.forms
            if form.cleaned_data.get("reference") and not form.cleaned_data.get("DELETE")
        }
        text = "\n".join(self.data.get(name, "") for name in self.instance.markdown_fields)
        missing = sorted(markdown.find_citation_keys(text) - attached)
        if missing:
            known = set(Reference.objects.filter(key__in=missing).values_list("key", flat=True))
            messages = []
            unattached = [key for key in missing if key in known]
            unknown = [key for key in missing if key not in known]
            if unattached:
                messages.append(
                    "Cited but not attached to this page: "
                    + ", ".join(f"@{key}" for key in unattached)
                    + ". Attach them below."
                )
            if unknown:
                messages.append(
                    "Not in the reference library: "
                    + ", ".join(f"@{key}" for key in unknown)
                    + ". Check the spelling, or import the reference first."
                )
            raise ValidationError(messages)


class ReferenceInline(admin.TabularInline):
    formset = CitationFormSet
    autocomplete_fields = ["reference"]
    fields = ["reference", "order"]
    extra = 0
    verbose_name = "reference"
    verbose_name_plural = "References (cite them in the text as [@key])"


class EditStampForm(forms.ModelForm):
    """Optimistic locking: a save based on an out-of-date copy of the page is refused.

    The form carries the page's `updated_at` as it was when the form was shown; if someone saved
    the page since, the second save is refused with a link to what changed, and the person's text
    stays in the form. (A POST without the stamp, e.g. from a script, is not checked.)
    """

    edit_stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.initial["edit_stamp"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        stamp = (self.data.get("edit_stamp") or "").strip()
        if self.instance.pk and stamp and stamp != self.instance.updated_at.isoformat():
            meta = self.instance._meta
            url = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_compare", args=[self.instance.pk]
            )
            raise ValidationError(
                format_html(
                    "Someone else saved this page after you opened it, so your save was "
                    "refused to keep their work. Your text is still below. "
                    '<a href="{}?since={}" target="_blank">See what changed meanwhile</a>, '
                    "copy your changes into the latest version (reload the page), and save "
                    "again.",
                    url,
                    stamp,
                ),
                code="stale",
            )
        return cleaned


class PublishableAdmin(VersionAdmin, MarkdownxModelAdmin):
    """Shared admin behaviour for posts and condition pages, including the editorial workflow.

    The rules live on the server: practitioners see only their own pages (`get_queryset`),
    change them only when `workflow.can_edit` says so, and their edits of live pages are kept
    aside as a pending revision. Status and dates move only through the workflow steps.
    """

    Media = EditorMedia
    form = EditStampForm
    change_form_template = "admin/clinic/publishable_change_form.html"
    object_history_template = "admin/clinic/page_history.html"
    list_filter = ["status"]
    date_hierarchy = "published_at"
    # Files cannot wait in a pending revision (it is JSON); say so instead of dropping silently.
    unkept_in_pending = {"hero_image"}
    publishing_fields = [
        "status",
        "published_at",
        "medically_reviewed_by",
        "last_reviewed",
        "next_review_due",
    ]

    def view_on_site(self, obj):
        # Only a page patients can see has a place on the site; drafts have the preview link.
        return obj.get_absolute_url() if obj.is_public else None

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        return status_label(obj)

    # Who sees and changes what ------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if workflow.can_publish(request.user, self.model):
            return queryset
        mine = Q(created_by=request.user)
        if any(field.name == "author" for field in self.model._meta.fields):
            mine |= Q(author__user=request.user)
        return queryset.filter(mine)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_publish(request.user, obj))

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        if (
            allowed
            and self.has_author_field()
            and not workflow.can_publish(request.user, self.model)
        ):
            # A practitioner's articles are signed with their profile: no profile, no article.
            return Practitioner.objects.filter(user=request.user).exists()
        return allowed

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.publishing_fields]
        if not workflow.can_publish(request.user, self.model) and self.has_author_field():
            fields.append("author")
        return fields

    def has_author_field(self):
        return any(field.name == "author" for field in self.model._meta.fields)

    # Saving: stamps, optimistic locking and pending revisions -----------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One save writes the page, its references and its tags: one content change, so the
        # page cache moves its generation once, after the commit (clinic.lib.changes).
        with changes.one_change():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Write the row, not yet rendered: the page renders once, in save_related, after its
        references and tags are saved. A live page's edit by its author waits instead."""
        if not change:
            obj.created_by = request.user
            if self.has_author_field() and not workflow.can_publish(request.user, obj):
                obj.author = request.user.practitioner
        if not workflow.edits_go_to_pending(request.user, obj):
            obj.save(render=False)

    def save_related(self, request, form, formsets, change):
        if workflow.edits_go_to_pending(request.user, form.instance):
            workflow.stage_pending(
                form.instance,
                by=request.user,
                values=form.cleaned_data,
                m2m={name: form.cleaned_data.get(name, []) for name in self.model.pending_m2m},
                references=reference_ids(formsets),
            )
            messages.info(
                request,
                "Your changes are kept as a pending revision: the live page is unchanged until "
                "an editor approves them. Submit them for review when they are ready.",
            )
            unkept = [name for name in form.changed_data if name in self.unkept_in_pending]
            if unkept:
                messages.warning(
                    request,
                    "A new image cannot wait as a pending change to a live page and was not "
                    "kept; ask an editor to change the image.",
                )
            return
        super().save_related(request, form, formsets, change)
        form.instance.save_rendered()

    def construct_change_message(self, request, form, formsets, add=False):
        if workflow.edits_go_to_pending(request.user, form.instance):
            return [{"changed": {"fields": ["pending revision"]}}]
        return super().construct_change_message(request, form, formsets, add)

    # The workflow panel and its steps -----------------------------------------------------

    def get_urls(self):
        meta = self.model._meta
        name = f"{meta.app_label}_{meta.model_name}"
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{name}_preview",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{name}_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{name}_restore",
            ),
            path(
                "<path:object_id>/workflow/<slug:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name=f"{name}_workflow",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None:
            context["workflow"] = workflow_panel(request, obj)
            if request.method == "POST":
                history.keep_baseline(obj)
        return super().change_view(request, object_id, form_url, context)

    # History: list, compare, restore (clinic/pages/history.py) -----------------------------------

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
        return preview.render_preview(request, obj, note=label)

    def workflow_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        user = request.user
        if step in {"submit", "share", "revoke"}:
            allowed = workflow.is_owner(user, obj) or workflow.can_publish(user, obj)
        elif step in {"approve", "request_changes", "unpublish", "mark_reviewed"}:
            allowed = workflow.can_publish(user, obj)
        else:
            raise Http404
        if not allowed:
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


def reference_ids(formsets) -> list[int]:
    """The references a page's inline forms attach, in their order."""
    for formset in formsets:
        if isinstance(formset, CitationFormSet):
            rows = [
                (form.cleaned_data.get("order") or 0, form.cleaned_data["reference"].pk)
                for form in formset.forms
                if form.cleaned_data.get("reference") and not form.cleaned_data.get("DELETE")
            ]
            return [pk for _, pk in sorted(rows)]
    return []


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
    user = request.user
    publisher = workflow.can_publish(user, obj)
    owner = workflow.is_owner(user, obj)
    status = obj.status
    waiting = workflow.waiting_for_review(obj)
    return {
        "obj": obj,
        "status_label": status_label(obj),
        "transitions": list(workflow.history(obj)[:20]),
        "pending": obj.pending,
        "pending_submitted": workflow.pending_submitted(obj),
        "can_submit": (owner or publisher)
        and (
            status in workflow.SUBMITTABLE
            or (status == Status.PUBLISHED and obj.pending and not waiting)
        ),
        "can_review": publisher and waiting,
        "can_approve": publisher and (status != Status.PUBLISHED or bool(obj.pending)),
        "can_unpublish": publisher and status == Status.PUBLISHED,
        "can_mark_reviewed": publisher,
        "practitioners": Practitioner.objects.all() if publisher else [],
        "my_practitioner": getattr(user, "practitioner", None),
        "publisher": publisher,
        "can_share": owner or publisher,
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
