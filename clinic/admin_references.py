"""The reference library's extra admin pages: "Import references" and "Pages citing retracted
references". ReferenceAdmin wires them in through get_urls; the logic lives in clinic.importing."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from clinic import importing
from clinic.citations import formats

FORMAT_CHOICES = [
    ("", "Detect it for me"),
    ("text", "Free text: one reference per line, or a numbered list"),
    ("ris", "RIS (.ris)"),
    ("bibtex", "BibTeX (.bib)"),
    ("medline", "PubMed MEDLINE (.nbib, .txt)"),
    ("csljson", "CSL-JSON (.json)"),
]


class ImportForm(forms.Form):
    text = forms.CharField(
        label="Paste references",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "class": "vLargeTextField"}),
        help_text="A reference list copied from a page (one per line or numbered), or the "
        "contents of a RIS, BibTeX, MEDLINE or CSL-JSON file.",
    )
    file = forms.FileField(
        label="Or choose a file",
        required=False,
        help_text=f"Up to {importing.MAX_BYTES // 1_000_000} MB and {importing.MAX_ITEMS} "
        "references: .txt, .ris, .bib, .nbib or .json.",
    )
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > importing.MAX_BYTES:
            raise ValidationError(
                f"This file is {upload.size / 1_000_000:.1f} MB; import at most "
                f"{importing.MAX_BYTES // 1_000_000} MB at a time. Split it into smaller files."
            )
        data = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError("This file is not text: save it as UTF-8 text and try again.")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        text, file_text = cleaned.get("text", ""), cleaned.get("file", "")
        if text.strip() and file_text:
            raise ValidationError("Paste references or choose a file, not both.")
        field = "file" if file_text else "text"
        source = file_text or text
        if not source.strip():
            self.add_error("text", "Paste some references, or choose a file below.")
            return cleaned
        try:
            cleaned["format_used"], cleaned["candidates"] = importing.preview(
                source, cleaned.get("format") or None
            )
        except importing.TooLarge as error:
            self.add_error(field, str(error))
        return cleaned


def import_view(request, model_admin):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import references",
        "max_items": importing.MAX_ITEMS,
    }
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, model_admin, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        candidates = form.cleaned_data["candidates"]
        fmt = form.cleaned_data["format_used"]
        context.update(_preview_context(candidates, fmt))
    context["form"] = form
    return TemplateResponse(request, "admin/clinic/reference/import.html", context)


def _preview_context(candidates, fmt, error=None):
    return {
        "candidates": candidates,
        "format_name": formats.FORMAT_NAMES.get(fmt, fmt),
        "payload": importing.sign(candidates, fmt),
        "importable_count": sum(c.importable for c in candidates),
        "import_error": error,
    }


def _confirm(request, model_admin, context):
    try:
        fmt, candidates = importing.unsign(request.POST["payload"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(
            request, "This preview has expired or was changed. Paste the references again."
        )
        return redirect("admin:clinic_reference_import")
    chosen = {int(n) for n in request.POST.getlist("chosen") if n.isdigit()}
    try:
        saved = importing.import_references(candidates, chosen)
    except ValidationError as error:
        context.update(_preview_context(candidates, fmt, error=" ".join(error.messages)))
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/clinic/reference/import.html", context)
    for reference in saved:
        model_admin.log_addition(request, reference, [{"added": {"name": "import"}}])
    messages.success(
        request,
        format_html(
            "Imported {} reference{}. Cite them as {}.",
            len(saved),
            "" if len(saved) == 1 else "s",
            format_html_join(
                ", ",
                '<a href="{}">[@{}]</a>',
                ((ref.get_admin_url(), ref.key) for ref in saved),
            ),
        ),
    )
    return redirect("admin:clinic_reference_changelist")


def retracted_view(request, model_admin):
    """Every page, draft or published, that cites a retracted or superseded reference."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    from blog.models import PostReference
    from conditions.models import ConditionReference

    rows = []
    for link_model, owner in ((PostReference, "post"), (ConditionReference, "condition")):
        links = (
            link_model.objects.filter(reference__retracted=True)
            .select_related(owner, "reference")
            .order_by(f"{owner}_id", "order")
        )
        for link in links:
            page = getattr(link, owner)
            rows.append(
                {
                    "page": page,
                    "kind": page._meta.verbose_name,
                    "admin_url": _admin_url(page),
                    "reference": link.reference,
                }
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Pages citing retracted references",
        "rows": rows,
    }
    return TemplateResponse(request, "admin/clinic/reference/retracted.html", context)


def _admin_url(obj):
    from django.urls import reverse

    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
