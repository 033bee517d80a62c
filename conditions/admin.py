from django.contrib import admin

from clinic.pages.admin import PublishableAdmin, ReferenceInline
from conditions.models import SECTIONS, Condition, ConditionReference


class ConditionReferenceInline(ReferenceInline):
    model = ConditionReference


@admin.register(Condition)
class ConditionAdmin(PublishableAdmin):
    list_display = ["name", "alternative_names", "state", "published_at", "next_review_due"]
    search_fields = ["name", "alternative_names", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ConditionReferenceInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternative_names", "summary"]}),
        (
            "Sections (each optional; empty sections are left out of the page)",
            {"fields": [field for field, _ in SECTIONS]},
        ),
        ("Publishing and medical review", {"fields": PublishableAdmin.publishing_fields}),
    ]
