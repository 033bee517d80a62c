"""The admin's "Import a blog" pages: upload, preview and choose, confirm, watch the progress.

Editors and administrators (permission ``migration.import_blog``) upload an export. Checking it
and importing it are tasks (clinic/migration/tasks.py); these pages only start them and show the
ImportRun row, refreshing themselves while a task works, so no request waits on an import.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from clinic.migration import images, importer, storage, tasks
from clinic.migration.models import ImportedImage, ImportedItem, ImportRun, Redirect
from clinic.practice.models import Practitioner

MAX_UPLOAD_MB = 300


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="Blogger: feed.atom from Google Takeout (Blogger > Blogs > your blog), or the "
        ".xml of Settings > Back up content. WordPress: the .xml of Tools > Export > All content.",
    )
    as_drafts = forms.BooleanField(
        label="Import live posts as drafts for review",
        required=False,
        help_text="Otherwise live posts are published with their original dates. Drafts stay "
        "drafts either way.",
    )
    fetch_images = forms.BooleanField(
        label="Download the old site's images",
        required=False,
        initial=True,
        help_text="Each image is checked, re-encoded without metadata and resized, and the "
        "pages point to the copy here. Failures are listed for a retry.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is {uploaded.size / 1024 / 1024:.0f} MB; the limit is "
                f"{MAX_UPLOAD_MB} MB."
            )
        if not uploaded.size:
            raise forms.ValidationError("This file is empty.")
        return uploaded


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["file_name", "format", "state", "progress", "created_by", "created_at"]
    list_filter = ["state", "format"]

    def has_module_permission(self, request):
        return request.user.has_perm("migration.import_blog")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("migration.import_blog")

    def has_add_permission(self, request):
        return request.user.has_perm("migration.import_blog")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="progress")
    def progress(self, run):
        return f"{run.done} of {run.total}" if run.total else "—"

    def delete_model(self, request, obj):
        storage.delete(obj.stored_name)
        super().delete_model(request, obj)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            run = ImportRun.objects.create(
                file_name=uploaded.name[:255],
                stored_name=storage.save(uploaded),
                options=importer.Options(
                    as_drafts=form.cleaned_data["as_drafts"],
                    fetch_images=form.cleaned_data["fetch_images"],
                ).as_dict(),
                created_by=request.user,
            )
            result = tasks.preview_import.enqueue(run.pk)
            ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
            return redirect("admin:migration_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a Blogger or WordPress site",
            "form": form,
            "opts": self.model._meta,
            "max_mb": MAX_UPLOAD_MB,
        }
        return TemplateResponse(request, "admin/migration/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=object_id)
        preview = run.preview or {}
        rows = preview.get("rows", [])
        practitioners = list(Practitioner.objects.order_by("name"))
        if request.method == "POST" and run.state == ImportRun.State.PREVIEWED:
            options = importer.Options.from_dict(run.options)
            options.authors = {}
            for number, author in enumerate(preview.get("authors", [])):
                value = request.POST.get(f"author-{number}", "")
                if value.isdigit():
                    options.authors[author["key"]] = int(value)
            for number, row in enumerate(rows):
                destination = request.POST.get(f"page-{number}")
                if row["kind"] == "page" and destination in importer.PAGE_DESTINATIONS:
                    options.pages[row["original_id"]] = destination
                existing = request.POST.get(f"existing-{number}")
                if row.get("match") and existing in importer.EXISTING_CHOICES:
                    options.existing[row["original_id"]] = existing
            run.options = options.as_dict()
            run.state = ImportRun.State.QUEUED
            run.save(update_fields=["options", "state"])
            result = tasks.run_import.enqueue(run.pk)
            ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
            messages.success(request, "The import has started; this page shows its progress.")
            return redirect("admin:migration_importrun_change", run.pk)
        working = run.state in (
            ImportRun.State.CHECKING,
            ImportRun.State.QUEUED,
            ImportRun.State.RUNNING,
        )
        for number, row in enumerate(rows):
            row["number"] = number
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import of {run.file_name}",
            "run": run,
            "preview": preview,
            "rows": rows,
            "counts": sorted((preview.get("counts") or {}).items()),
            "report_counts": sorted((run.report.get("counts") or {}).items()),
            "practitioners": practitioners,
            "destinations": importer.PAGE_DESTINATIONS.items(),
            "existing_choices": importer.EXISTING_CHOICES.items(),
            "working": working,
            "opts": self.model._meta,
            "original": run,
        }
        return TemplateResponse(request, "admin/migration/run.html", context)


def check_citations_notice(request, page) -> list[tuple[str, str]]:
    """On an imported page's own admin form: its "check citations" flag, if it is still set."""
    item = (
        ImportedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(page),
            object_id=page.pk,
            check_citations=True,
        )
        .only("pk")
        .first()
    )
    if item is None:
        return []
    message = (
        "Imported from the old site: check the citations. Some numbered markers could not be "
        "matched to the reference list with certainty, so the references are attached uncited."
    )
    if not request.user.has_perm("migration.change_importeditem"):
        return [(f"{message} An editor clears the flag once they are right.", "")]
    url = reverse("admin:migration_importeditem_change", args=[item.pk])
    return [(f"{message} Clear “check citations” on the imported item once they are right.", url)]


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "page_link", "check_citations", "imported_at"]
    list_filter = ["check_citations", "kind", "source"]
    search_fields = ["title", "original_id", "old_url"]
    list_editable = ["check_citations"]
    fields = ["title", "kind", "source", "original_id", "old_url", "check_citations", "notes"]
    readonly_fields = ["title", "kind", "source", "original_id", "old_url", "notes"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="page here")
    def page_link(self, item):
        page = item.target
        if page is None or not hasattr(page, "_meta") or not page.pk:
            return "—"
        meta = page._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[page.pk])
        except Exception:
            return str(page)
        return format_html('<a href="{}">{}</a>', url, page)


@admin.register(ImportedImage)
class ImportedImageAdmin(admin.ModelAdmin):
    list_display = ["source_url", "stored_url", "error", "attempts", "updated_at"]
    list_filter = [("stored_url", admin.EmptyFieldListFilter)]
    search_fields = ["source_url", "error"]
    readonly_fields = ["source_url", "stored_url", "stored", "error", "attempts"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry the selected images that failed", permissions=["change"])
    def retry(self, request, queryset):
        fixed, failing = images.retry_failed(queryset)
        messages.info(
            request, f"{fixed} image(s) fetched and their pages updated; {failing} still failing."
        )


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "source"]
    search_fields = ["old_path", "new_path"]
    list_filter = ["source"]
