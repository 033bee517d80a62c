"""The reference library's admin: the "Import references" and "Pages citing retracted references"
pages (wired in through ReferenceAdmin.get_urls; the logic lives in clinic.importing), and the
reference form (authors as lines of text, duplicates offered instead of a copy)."""

import re

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from clinic import importing
from clinic.citations import formats, identifiers
from clinic.citations.style import format_references
from clinic.models import ClinicSettings, Reference

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
        except importing.BadInput as error:
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
    # Each readable record as the page will print it, formatted in one citeproc run.
    readable = [c for c in candidates if c.reference is not None and not c.errors]
    style = ClinicSettings.load().citation_style
    for candidate, formatted in zip(
        readable, format_references([c.reference.to_csl() for c in readable], style), strict=True
    ):
        candidate.formatted = formatted.text
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


# ---------------------------------------------------------------------------------------
# The reference form: authors as lines of text, duplicates offered instead of a copy
# ---------------------------------------------------------------------------------------

_ET_AL_LINE = re.compile(r"(?:et\.?\s*al\.?|and others|…|\.\.\.)", re.IGNORECASE)
# "Cherkin DC" or "Cherkin D.C.": a family name then initials, as Vancouver lists print them.
_VANCOUVER_NAME = re.compile(
    r"(?P<family>[^\W\d_][\w'\u2019 -]*?)\s+(?P<given>(?:[A-Z]\.?-?){1,4})"
)


class AuthorsField(forms.CharField):
    """Authors in order, one a line: "Family, Given", "Family GN", or a group's name."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 60})

    def prepare_value(self, value):
        if not isinstance(value, list):
            return value
        lines = []
        for author in value:
            if not isinstance(author, dict):
                continue
            if author.get("literal"):
                literal = author["literal"]
                lines.append(f"{{{literal}}}" if "," in literal else literal)
            else:
                given = author.get("given", "")
                lines.append(f"{author.get('family', '')}, {given}".strip().rstrip(","))
        return "\n".join(lines)

    def to_python(self, value):
        if isinstance(value, list):
            return value
        authors = []
        for line in (value or "").splitlines():
            line = " ".join(line.split()).strip(" ;")
            if not line:
                continue
            if _ET_AL_LINE.fullmatch(line):
                authors.append({"et_al": True})
            elif line.startswith("{") and line.endswith("}"):
                authors.append({"literal": line[1:-1].strip()})
            elif "," in line:
                family, _, given = line.partition(",")
                author = {"family": family.strip()}
                if given.strip():
                    author["given"] = given.strip()
                authors.append(author)
            elif match := _VANCOUVER_NAME.fullmatch(line):
                authors.append({"family": match["family"], "given": match["given"]})
            else:
                authors.append({"literal": line})
        return authors

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)


class ReferenceForm(forms.ModelForm):
    authors = AuthorsField(
        required=False,
        help_text="One author a line, in order: “Cherkin, DC” (family name, comma, given names "
        "or initials), or a group's name such as “NICE”; put a group name that contains a comma "
        "in braces: {Royal College of Physicians, London}. A last line “et al.” marks a "
        "truncated list.",
    )

    class Meta:
        model = Reference
        fields = [
            "key", "type", "authors", "authors_et_al", "title", "container_title",
            "container_title_short", "year", "month", "day", "volume", "issue", "pages",
            "article_number", "publisher", "doi", "pmid", "pmcid", "url", "accessed",
            "study_type", "participants", "retracted", "retraction_note", "notes",
            "original_text",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        authors = cleaned.get("authors")
        if isinstance(authors, list) and any(a.get("et_al") for a in authors):
            cleaned["authors"] = [a for a in authors if not a.get("et_al")]
            cleaned["authors_et_al"] = True
        self._offer_existing(cleaned)
        return cleaned

    def _offer_existing(self, cleaned):
        """Refuse a copy of a source already in the library, and link to that record."""
        probe = Reference(
            pk=self.instance.pk, title=cleaned.get("title") or "", year=cleaned.get("year")
        )
        for name, normalise in (
            ("doi", identifiers.normalise_doi),
            ("pmid", identifiers.normalise_pmid),
        ):
            try:
                setattr(probe, name, normalise(cleaned.get(name)) if cleaned.get(name) else "")
            except ValueError:
                setattr(probe, name, "")  # the model's own check reports it
        existing = importing.find_duplicate(probe)
        if existing is None:
            return
        if probe.doi and existing.doi.lower() == probe.doi.lower():
            field, what = "doi", "this DOI"
        elif probe.pmid and existing.pmid == probe.pmid:
            field, what = "pmid", "this PMID"
        else:
            field, what = "title", "this title and year"
        self.add_error(
            field,
            format_html(
                'A reference with {} is already in the library: <a href="{}">{}</a>. '
                "Cite that one instead of adding a copy.",
                what,
                existing.get_admin_url(),
                existing.key,
            ),
        )
