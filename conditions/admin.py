from django.contrib import admin

from clinic.pages.admin import PublishableAdmin, ReferenceInline
from conditions.models import SECTIONS, Condition, ConditionReference


class ConditionReferenceInline(ReferenceInline):
    model = ConditionReference


@admin.register(Condition)
class ConditionAdmin(PublishableAdmin):
    list_display = ["name", "author", "state", "published_at", "next_review_due"]
    search_fields = ["name", "alternative_names", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["author"]
    inlines = [ConditionReferenceInline]
    list_select_related = ["author"]
    markdown_under_h2 = tuple(field for field, _ in SECTIONS)
    fieldsets = [
        (None, {"fields": ["name", "slug", "author", "alternative_names", "summary"]}),
        (None, {"fields": ["introduction"]}),
        (
            "Sections (each optional; empty sections are left out of the page)",
            {"fields": [field for field, _ in SECTIONS]},
        ),
        ("Publishing and medical review", {"fields": PublishableAdmin.publishing_fields}),
    ]
