"""The admin site: its titles, and every ModelAdmin of the `clinic` app, which live beside
their models in the sub-packages (importing them here registers them)."""

from django.contrib import admin, messages

from clinic.accounts import admin as accounts_admin
from clinic.lib.editor import MarkdownEditorAdmin
from clinic.pages import admin as pages_admin
from clinic.pages import reference_admin
from clinic.practice import admin as practice_admin
from clinic.practice.models import ClinicSettings
from clinic.references import tasks

admin.site.site_header = "Clinic website: writing and review"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Articles, condition pages and references"


# Here rather than in clinic.practice: changing the citation style re-formats every reference
# (clinic.references.numbering), which the practice package, below references, may not import.
@admin.register(ClinicSettings)
class ClinicSettingsAdmin(MarkdownEditorAdmin):
    fieldsets = [
        ("The clinic", {"fields": ["name", "tagline", "about"]}),
        ("Contact", {"fields": ["phone", "email", "booking_url"]}),
        (
            "Address and getting here",
            {
                "fields": [
                    "street_address",
                    "locality",
                    "postcode",
                    "country",
                    "latitude",
                    "longitude",
                    "directions",
                    "parking",
                    "step_free_access",
                    "medical_specialty",
                ],
                "description": "Opening hours and holidays have their own pages in the admin.",
            },
        ),
        ("Medical content", {"fields": ["disclaimer", "citation_style", "review_interval_months"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "citation_style" in form.changed_data:
            # Long work: a task (clinic/references/tasks.py), queued with the new style's save.
            tasks.reformat_all_references.enqueue()
            messages.info(
                request,
                "Every reference is being formatted in the new style; pages show it within a "
                "few minutes.",
            )

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = ["accounts_admin", "pages_admin", "practice_admin", "reference_admin"]
