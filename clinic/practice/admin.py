"""The admin of the clinic's settings and its practitioners."""

from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from clinic.lib import uploads
from clinic.lib.editor import EditorMedia
from clinic.practice.models import Practitioner


class PractitionerForm(uploads.ImageUploadsForm):
    image_fields = {"photo": ("photo_alt", "practitioners")}


@admin.register(Practitioner)
class PractitionerAdmin(uploads.ImageUploadsAdminMixin, MarkdownxModelAdmin):
    form = PractitionerForm
    list_display = ["display_name", "post_nominals", "job_title", "registration_body", "user"]
    search_fields = ["name", "post_nominals", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "slug", "post_nominals", "job_title", "user"]}),
        (
            "Credentials",
            {"fields": ["qualifications", "registration_body", "registration_number"]},
        ),
        ("Profile", {"fields": ["short_bio", "bio", "photo", "photo_alt"]}),
    ]
    Media = EditorMedia
