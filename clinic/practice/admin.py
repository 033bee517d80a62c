"""The admin of the clinic's settings and its practitioners."""

from django.contrib import admin
from django.utils.html import format_html

from clinic.lib import uploads
from clinic.lib.editor import MarkdownEditorAdmin
from clinic.practice import info
from clinic.practice.models import OpeningException, OpeningHours, PracticePage, Practitioner


class RefreshesClinicStructuredData:
    """The clinic's JSON-LD names its hours, holidays and practitioners: made again on change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        info.refresh_structured_data()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        info.refresh_structured_data()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        info.refresh_structured_data()


class PractitionerForm(uploads.ImageUploadsForm):
    image_fields = {"photo": ("photo_alt", "practitioners")}


@admin.register(Practitioner)
class PractitionerAdmin(
    RefreshesClinicStructuredData, uploads.ImageUploadsAdminMixin, MarkdownEditorAdmin
):
    form = PractitionerForm
    list_display = ["display_name", "post_nominals", "job_title", "registration_body", "user"]
    readonly_fields = ["register_link"]
    search_fields = ["name", "post_nominals", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "slug", "post_nominals", "job_title", "user"]}),
        (
            "Credentials",
            {
                "fields": [
                    "qualifications",
                    "registration_body",
                    "registration_number",
                    "register_link",
                ]
            },
        ),
        ("Profile", {"fields": ["short_bio", "bio", "photo", "photo_alt"]}),
    ]

    @admin.display(description="public register")
    def register_link(self, obj):
        url = obj.register_url
        if not url:
            return "No link: the register of this body is not known to the site."
        return format_html('<a href="{}" rel="noopener">{}</a>', url, url)


@admin.register(OpeningHours)
class OpeningHoursAdmin(RefreshesClinicStructuredData, admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]
    list_display_links = ["weekday"]


@admin.register(OpeningException)
class OpeningExceptionAdmin(RefreshesClinicStructuredData, admin.ModelAdmin):
    list_display = ["date", "closed", "opens", "closes", "reason"]
    date_hierarchy = "date"


@admin.register(PracticePage)
class PracticePageAdmin(MarkdownEditorAdmin):
    """Privacy notice, accessibility statement, complaints procedure, fees: administrators."""

    list_display = ["title", "kind", "updated_at"]
    fields = ["kind", "title", "body"]
