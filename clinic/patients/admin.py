"""Reception's triage of appointment requests, and the moderation queue of patients' questions.

Appointment requests: the list shows no personal details (kind, number, status, dates); opening
one shows them and is recorded in the audit trail, as are every change, export and erasure.
Reception finds a person's requests by e-mail address or telephone number (the search box, an
exact match on a keyed digest), exports them (subject access) or erases them.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpResponse
from django.utils.html import format_html

from clinic.patients import audit_log, services
from clinic.patients.models import AppointmentRequest, Comment, lookup_digest


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "patient", "created_at", "handled_by", "closed_at")
    list_filter = ("status", "kind", "patient")
    list_select_related = ("handled_by",)
    date_hierarchy = "created_at"
    search_fields = ("email_digest",)  # replaced by get_search_results: exact e-mail or phone
    search_help_text = (
        "Find a person's requests by their exact e-mail address or telephone number "
        "(for a subject-access or erasure request)."
    )
    readonly_fields = (*services.PATIENT_FIELDS, "closed_at")
    fieldsets = (
        ("From the patient", {"fields": services.PATIENT_FIELDS}),
        ("Handling", {"fields": ("status", "handled_by", "notes", "closed_at")}),
    )
    actions = ["export_selected", "erase_selected"]

    def has_add_permission(self, request):
        return False  # requests come from patients, through /contact/

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # erase_selected records the erasure
        return actions

    def has_export_permission(self, request):
        return request.user.has_perm("patients.export_appointmentrequest")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        digests = [lookup_digest("email", term), lookup_digest("phone", term)]
        query = Q(pk__in=[])
        if digests[0]:
            query |= Q(email_digest=digests[0])
        if digests[1]:
            query |= Q(phone_digest=digests[1])
        audit_log.record_search(request)
        return queryset.filter(query), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and self.has_view_permission(request, obj):
            audit_log.record_view(obj, request=request)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.handled_by is None:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_log.record_change(obj, form.changed_data, request=request)

    def delete_model(self, request, obj):
        audit_log.record_erasure([obj], request=request)
        services.erase_requests(requests=[obj])

    @admin.action(
        description="Export the selected requests (subject access)", permissions=["export"]
    )
    def export_selected(self, request, queryset):
        requests = list(queryset.select_related("handled_by"))
        audit_log.record_export(requests, request=request)
        data = json.dumps(services.export_requests(requests), indent=2, ensure_ascii=False)
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="requests.json"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(
        description="Erase the selected requests for good (erasure request)",
        permissions=["delete"],
    )
    def erase_selected(self, request, queryset):
        requests = list(queryset)
        audit_log.record_erasure(requests, request=request)
        count = services.erase_requests(requests=requests)
        self.message_user(request, f"Erased {count} request(s) for good.", messages.SUCCESS)


def own_pages_query(user):
    """The pages this user wrote, as a filter on Comment (their moderation queue)."""
    practitioner = getattr(user, "practitioner", None)
    query = Q(pk__in=[])
    if practitioner is None:
        return query
    for relation in practitioner._meta.related_objects:
        if relation.field.name != "author":
            continue
        model = relation.related_model
        query |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=model._default_manager.filter(author=practitioner).values("pk"),
        )
    return query


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "page_link", "author_name", "status", "answered", "created_at")
    list_filter = ("status", "source")
    list_select_related = ("content_type", "answered_by")
    search_fields = ("body", "author_name")
    readonly_fields = (
        "page_link",
        "author_name",
        "author_email",
        "body",
        "created_at",
        "source",
        "answered_by",
        "answered_at",
        "moderated_by",
        "moderated_at",
    )
    fieldsets = (
        ("The question", {"fields": ("page_link", "author_name", "author_email", "body")}),
        ("Moderation", {"fields": ("status", "answer")}),
        (
            "History",
            {
                "fields": (
                    "created_at",
                    "source",
                    "answered_by",
                    "answered_at",
                    "moderated_by",
                    "moderated_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )
    actions = ["approve", "reject", "mark_spam"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("patients.moderate_any_comment"):
            return queryset
        return queryset.filter(own_pages_query(request.user))

    @admin.display(description="page")
    def page_link(self, obj):
        page = obj.page
        if page is None:
            return "(deleted)"
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), page)

    @admin.display(boolean=True)
    def answered(self, obj):
        return bool(obj.answer)

    def save_model(self, request, obj, form, change):
        if "answer" in form.changed_data and obj.answer.strip():
            services.answer(comment=obj, text=obj.answer, by=request.user)
        elif "status" in form.changed_data:
            services.moderate(comment=obj, status=obj.status, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, status, verb):
        for comment in queryset:
            services.moderate(comment=comment, status=status, by=request.user)
        self.message_user(request, f"{verb} {queryset.count()} question(s).", messages.SUCCESS)

    @admin.action(description="Approve: show on the page")
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "Approved")

    @admin.action(description="Reject: never show")
    def reject(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REJECTED, "Rejected")

    @admin.action(description="Mark as spam")
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "Marked as spam")
