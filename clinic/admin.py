from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from markdownx.admin import MarkdownxModelAdmin

from clinic import markdown, references
from clinic.models import ClinicSettings, Practitioner, Reference

admin.site.site_header = "Clinic website: writing and review"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Articles, condition pages and references"


class EditorMedia:
    css = {"all": ["css/editor.css"]}
    js = ["js/editor.js"]


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(MarkdownxModelAdmin):
    fieldsets = [
        ("The clinic", {"fields": ["name", "tagline", "about"]}),
        ("Contact", {"fields": ["address", "phone", "email", "opening_hours"]}),
        ("Medical content", {"fields": ["disclaimer", "citation_style", "review_interval_months"]}),
    ]
    Media = EditorMedia

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "citation_style" in form.changed_data:
            references.reformat_all()

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Practitioner)
class PractitionerAdmin(MarkdownxModelAdmin):
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


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["key", "short_title", "first_author", "year", "study_type", "retracted"]
    list_filter = ["type", "study_type", "retracted"]
    search_fields = ["key", "title", "doi", "pmid", "container_title", "authors"]
    readonly_fields = ["formatted", "cited_by"]
    fieldsets = [
        (None, {"fields": ["key", "type", "formatted", "cited_by"]}),
        (
            "Source",
            {
                "fields": [
                    "authors",
                    "authors_et_al",
                    "title",
                    ("container_title", "container_title_short"),
                    ("year", "month", "day"),
                    ("volume", "issue", "pages", "article_number"),
                    "publisher",
                    ("doi", "pmid", "pmcid"),
                    ("url", "accessed"),
                ]
            },
        ),
        ("Evidence", {"fields": ["study_type", "participants", "retracted", "retraction_note"]}),
        ("Notes", {"fields": ["notes", "original_text"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            references.rerender_citing_pages(obj)

    @admin.display(description="title")
    def short_title(self, obj):
        return obj.title[:90]

    @admin.display(description="first author")
    def first_author(self, obj):
        first = obj.authors[0] if obj.authors else {}
        return first.get("family") or first.get("literal") or ""

    @admin.display(description="as it will appear")
    def formatted(self, obj):
        return format_html("{}", obj.formatted_text) if obj.pk else "Shown after saving."

    @admin.display(description="cited by")
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        pages = [*obj.posts.all(), *obj.conditions.all()]
        if not pages:
            return "Not cited on any page yet."
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((page.get_absolute_url(), str(page)) for page in pages)
        )


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


class PublishableAdmin(MarkdownxModelAdmin):
    """Shared admin behaviour for posts and condition pages."""

    Media = EditorMedia
    list_filter = ["status"]
    date_hierarchy = "published_at"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The references are saved only now: render again so the numbering includes them.
        form.instance.save()
