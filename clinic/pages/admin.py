"""The admin every page type shares: PublishableAdmin, which blog and conditions subclass.

It is put together from small parts: the form and references inline (admin_forms.py), the
workflow panel and its step views (admin_workflow.py), and history (admin_history.py). This
module keeps who sees what and the one save path.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.urls import path, reverse
from reversion.admin import VersionAdmin

from clinic.lib import changes
from clinic.lib.editor import MarkdownEditorAdmin
from clinic.pages import actions as page_actions
from clinic.pages import autosave, history, notices, workflow
from clinic.pages.admin_forms import (
    CitationFormSet,
    EditStampForm,
    ReferenceInline,
    reference_ids,
)
from clinic.pages.admin_history import HistoryAdminMixin
from clinic.pages.admin_workflow import WorkflowAdminMixin, status_label, workflow_panel
from clinic.practice.models import Practitioner

__all__ = ["CitationFormSet", "EditStampForm", "PublishableAdmin", "ReferenceInline"]


class PublishableAdmin(WorkflowAdminMixin, HistoryAdminMixin, VersionAdmin, MarkdownEditorAdmin):
    """Shared admin behaviour for posts and condition pages, including the editorial workflow.

    The rules live on the server: practitioners see only their own pages (`get_queryset`),
    change them only when `workflow.can_edit` says so, and their edits of live pages are kept
    aside as a pending revision. Status and dates move only through the workflow steps.
    """

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
            # A practitioner's articles are signed with their profile: no profile, no article
            # (condition pages may have no author).
            if self.model._meta.get_field("author").null:
                return allowed
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

    def lock_for_save(self, request, object_id):
        """The page's row, locked until the save's transaction ends (on PostgreSQL; SQLite's
        IMMEDIATE transactions, in settings, already let one writer in at a time)."""
        queryset = self.get_queryset(request).select_for_update(of=("self",))
        try:
            return queryset.get(pk=unquote(object_id))
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None  # the admin answers an unknown page as usual

    def save_model(self, request, obj, form, change):
        """Write the row, not yet rendered: the page renders once, in save_related, after its
        references and tags are saved. A live page's edit by its author waits instead."""
        if not change:
            obj.created_by = request.user
            if self.has_author_field() and not workflow.can_publish(request.user, obj):
                obj.author = getattr(request.user, "practitioner", None)
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
            self.discard_autosave(request, form.instance, change)
            return
        super().save_related(request, form, formsets, change)
        attached = [
            reference
            for formset in formsets
            if isinstance(formset, CitationFormSet)
            for reference in formset.attach_cited()
        ]
        if attached:
            messages.info(
                request,
                "Attached the references you cited: "
                + ", ".join(f"@{reference.key}" for reference in attached)
                + ".",
            )
        form.instance.save_rendered()
        self.discard_autosave(request, form.instance, change)

    def discard_autosave(self, request, obj, change):
        """The page is saved: the person's autosave of this form is no longer needed."""
        object_id = obj.pk if change else autosave.NEW_PAGE
        autosave.discard(user=request.user, model=self.model, object_id=object_id)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        meta = self.model._meta
        context["page_notices"] = notices.for_page(request, obj)
        context["autosave_url"] = reverse(
            "editor_autosave",
            args=[f"{meta.app_label}.{meta.model_name}", obj.pk if obj else autosave.NEW_PAGE],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Bulk actions through the workflow's steps (clinic/pages/actions.py).
    actions = page_actions.ACTIONS

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

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
        with contextlib.ExitStack() as saving:
            if request.method == "POST":
                # No lost update: the save holds the page's row from here to its commit, so the
                # edit stamp is checked (EditStampForm.clean) against the latest save and the
                # page written before anyone else may do the same. Of two saves at the same
                # instant, the second waits, then finds the first's stamp and is refused.
                saving.enter_context(transaction.atomic(using=router.db_for_write(self.model)))
                obj = self.lock_for_save(request, object_id)
            else:
                obj = self.get_object(request, object_id)
            context = dict(extra_context or {})
            if obj is not None:
                context["workflow"] = workflow_panel(request, obj)
                if request.method == "POST":
                    history.keep_baseline(obj)
            return super().change_view(request, object_id, form_url, context)
