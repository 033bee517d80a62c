"""The reference library's admin: ReferenceAdmin, the "Import references", "Complete" and "Pages
citing retracted references" pages (the logic lives in clinic.references.importing and
completion), and the reference form (authors as lines of text, duplicates offered instead of a
copy).

It lives in pages, not references, because a reference that live pages cite follows the pages'
review rules (reference_review.py), which use the workflow.
"""

import re

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from clinic.citations import formats, identifiers
from clinic.citations.style import format_texts
from clinic.pages import reference_review
from clinic.practice.models import ClinicSettings
from clinic.references import completion, exporting, importing, numbering
from clinic.references.models import Reference

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
        # Windows' "Unicode" text files are UTF-16, with a byte-order mark; a reference list
        # in it is mostly ASCII (binary that happens to start with the mark is not).
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                text = ""
            if text and sum(char.isascii() for char in text) >= len(text) / 2:
                return text
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


def _chosen(request) -> set[int]:
    # Only 0-9: "²" is a digit to str.isdigit() but not to int().
    return {int(n) for n in request.POST.getlist("chosen") if re.fullmatch(r"[0-9]{1,6}", n)}


def _preview_context(candidates, fmt, error=None, chosen=None):
    # Each readable record as the page will print it, formatted in one citeproc run (plain text
    # only). A record already in the library shows the library's own line instead.
    readable = [c for c in candidates if c.reference is not None and not c.errors]
    readable = [c for c in readable if c.duplicate_of is None]
    style = ClinicSettings.load().citation_style
    for candidate, formatted in zip(
        readable, format_texts([c.reference.to_csl() for c in readable], style), strict=True
    ):
        candidate.formatted = formatted
    for candidate in candidates:
        # First showing: ticked when importable and not doubtful. Shown again (after a
        # correction or a completion): what the person had ticked, if it can still be imported.
        candidate.checked = (
            candidate.ticked
            if chosen is None
            else (candidate.importable and candidate.number in chosen)
        )
    return {
        "candidates": candidates,
        "completion_enabled": completion.enabled(),
        "format_name": formats.FORMAT_NAMES.get(fmt, fmt),
        "payload": importing.sign(candidates, fmt),
        "importable_count": sum(c.importable for c in candidates),
        "import_error": error,
    }


def _confirm(request, model_admin, context):
    try:
        fmt, candidates = importing.unsign(request.POST["payload"], request.POST)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(
            request, "This preview has expired or was changed. Paste the references again."
        )
        return redirect("admin:clinic_reference_import")
    if "complete" in request.POST or "recheck" in request.POST:
        # "Check again" after corrections, or "Complete this reference" on one row: the preview
        # again, nothing saved.
        number = request.POST.get("complete", "")
        for candidate in candidates:
            if str(candidate.number) == number:
                importing.complete(candidate)
        context.update(_preview_context(candidates, fmt, chosen=_chosen(request)))
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/clinic/reference/import.html", context)
    chosen = _chosen(request)
    for candidate in candidates:
        if candidate.reference is not None:
            candidate.reference.created_by = request.user
    try:
        saved = importing.import_references(candidates, chosen)
    except ValidationError as error:
        context.update(
            _preview_context(candidates, fmt, error=" ".join(error.messages), chosen=chosen)
        )
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/clinic/reference/import.html", context)
    for reference in saved:
        model_admin.log_addition(request, reference, [{"added": {"name": "import"}}])
    warned = [ref.key for ref in saved if save_warnings(ref)]
    if warned:
        messages.warning(
            request,
            "Saved without an author or a title (check them when you can): " + ", ".join(warned),
        )
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
    rows = []
    for rel in numbering.citing_relations():
        # The page type's ordered link table (PostReference…) and its field naming the page.
        link_model, owner = rel.through, rel.field.m2m_field_name()
        links = (
            link_model.objects.filter(reference__retracted=True)
            .select_related(owner, "reference")
            .order_by(f"{owner}_id", "order")
        )
        for link in links:
            page = getattr(link, owner)
            if not reference_review.may_see(request.user, page):
                continue  # another author's draft: not theirs to see
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


def _author_name(author) -> str:
    """ "Cherkin, DC" or a group's name, as the reference form writes them."""
    if not isinstance(author, dict):
        return ""
    if author.get("literal"):
        return str(author["literal"])
    return ", ".join(str(author[part]) for part in ("family", "given") if author.get(part))


def _admin_url(obj):

    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


# ---------------------------------------------------------------------------------------
# The reference form: authors as lines of text, duplicates offered instead of a copy
# ---------------------------------------------------------------------------------------


class AuthorsField(forms.CharField):
    """Authors in order, one a line: "Family, Given", "Family GN", or a group's name."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 60})

    def prepare_value(self, value):
        return importing.authors_text(value) if isinstance(value, list) else value

    def to_python(self, value):
        return value if isinstance(value, list) else importing.parse_authors(value)

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
        """Refuse a copy of a source already in the library, and link to that record.

        The import preview's rules (importing.Library): the same DOI or PMID; the same journal,
        year, volume and first page; or the same title once case, accents and punctuation are
        ignored. The message stands beside the field that matched.
        """
        probe = Reference(pk=self.instance.pk, year=cleaned.get("year"))
        for name in (
            "title", "container_title", "container_title_short", "volume", "pages",
            "article_number",
        ):  # fmt: skip
            setattr(probe, name, cleaned.get(name) or "")
        for name, normalise in (
            ("doi", identifiers.normalise_doi),
            ("pmid", identifiers.normalise_pmid),
        ):
            try:
                setattr(probe, name, normalise(cleaned.get(name)) if cleaned.get(name) else "")
            except ValueError:
                setattr(probe, name, "")  # the model's own check reports it
        duplicate = importing.find_duplicate(probe)
        if duplicate is None:
            return
        field = duplicate.field if duplicate.field in self.fields else "title"
        self.add_error(
            field,
            format_html(
                'A reference with {} is already in the library: <a href="{}">{}</a>. '
                "Cite that one instead of adding a copy.",
                duplicate.what,
                duplicate.reference.get_admin_url(),
                duplicate.reference.key,
            ),
        )


# ---------------------------------------------------------------------------------------
# One reference: warnings, the change waiting for an editor, completion
# ---------------------------------------------------------------------------------------


def save_warnings(reference: Reference) -> list[str]:
    warnings = []
    if not reference.authors and reference.type == Reference.Type.ARTICLE:
        warnings.append(
            f"Saved without an author: {reference.key}. Fine for an editorial; if the source "
            "names authors, add them."
        )
    if not reference.title.strip():
        warnings.append(f"Saved without a title: {reference.key}. Add it when you can.")
    return warnings


def governance_context(request, reference: Reference) -> dict:
    from clinic.pages import reference_review as changes

    return {
        "pending_rows": changes.pending_rows(reference),
        "can_approve": changes.can_approve(request.user),
        "reference_history": list(changes.history(reference)[:20]),
        "completion_enabled": completion.enabled(),
        "live_pages": changes.visible(request.user, changes.live_pages(reference)),
        "needs_editor": changes.needs_editor(request.user, reference),
    }


def _reference_or_404(model_admin, request, pk):

    reference = model_admin.get_object(request, str(pk))
    if reference is None:
        raise Http404
    return reference


def decide_view(request, model_admin, pk):
    """An editor approves or refuses the change waiting on a cited reference."""

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reference = _reference_or_404(model_admin, request, pk)
    if not reference_review.can_approve(request.user):
        raise PermissionDenied
    try:
        if "approve" in request.POST:
            reference_review.approve(reference, by=request.user)
            messages.success(
                request, f"The change to {reference.key} is approved; the pages citing it show it."
            )
        else:
            reference_review.refuse(reference, by=request.user, note=request.POST.get("note", ""))
            messages.success(request, f"The change to {reference.key} was refused.")
    except reference_review.ChangeRefused as error:
        messages.error(request, str(error))
    return redirect(reference.get_admin_url())


def complete_view(request, model_admin, pk):
    """ "Complete this reference": what PubMed or Crossref knows, beside the record, field by
    field; the ticked fields are saved through the usual rules (an editor's approval when live
    pages cite it)."""

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reference = _reference_or_404(model_admin, request, pk)
    if not model_admin.has_change_permission(request, reference):
        raise PermissionDenied
    fields = completion.FIELDS
    if "apply" in request.POST:
        chosen = [name for name in fields if f"use-{name}" in request.POST]
        if not chosen:
            messages.error(request, "Tick at least one field to use.")
            return redirect(reference.get_admin_url())
        errors: list[str] = []
        importing.apply_edits(
            reference, {name: request.POST[f"use-{name}"] for name in chosen}, errors
        )
        for name in ("month", "day", "container_title_short"):
            if name in chosen:
                value = request.POST[f"use-{name}"].strip()
                if name == "container_title_short":
                    reference.container_title_short = value[:120]
                elif value.isascii() and value.isdigit() and len(value) <= 2:
                    setattr(reference, name, int(value))
        try:
            reference.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors += importing._messages(error)
        if errors:
            messages.error(request, "Nothing was changed: " + " ".join(errors))
            return redirect(reference.get_admin_url())
        if reference_review.needs_editor(request.user, reference):
            try:
                reference_review.stage(reference, by=request.user, changed=chosen)
            except reference_review.ChangeRefused as error:
                messages.error(request, str(error))
            else:
                messages.warning(
                    request,
                    f"Your change to {reference.key} waits for an editor: live pages cite it.",
                )
            return redirect(reference.get_admin_url())
        import reversion

        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Completed from " + request.POST.get("source", "PubMed/Crossref"))
            reference.save()
        reference_review.rerender(reference)
        model_admin.log_change(request, reference, [{"changed": {"fields": chosen}}])
        messages.success(request, f"{reference.key} was completed: {', '.join(chosen)}.")
        return redirect(reference.get_admin_url())
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": reference,
        "title": f"Complete {reference.key} from PubMed and Crossref",
    }
    try:
        found = completion.complete(reference.to_csl())
    except completion.CompletionError as error:
        context["completion_error"] = str(error)
    else:
        other = Reference.from_csl(found.csl)
        rows = completion.differences(reference, other)
        for row in rows:
            row["value"] = (
                importing.field_text(other, row["name"])
                if row["name"] in importing.EDITABLE
                else row["found"]
            )
        context.update(source=found.source, rows=rows)
    return TemplateResponse(request, "admin/clinic/reference/complete.html", context)


class WaitingFilter(admin.SimpleListFilter):
    """Editors find the changes to cited references that wait for them."""

    title = "change waiting for an editor"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", "Waiting for an editor")]

    def queryset(self, request, queryset):
        return queryset.exclude(pending={}) if self.value() == "yes" else queryset


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    form = ReferenceForm
    list_display = ["key", "short_title", "first_author", "year", "study_type", "retracted"]
    list_filter = [WaitingFilter, "type", "study_type", "retracted"]
    search_fields = ["key", "title", "doi", "pmid", "container_title", "authors"]
    readonly_fields = ["formatted", "cited_by", "author_list"]
    actions = ["export_ris", "export_bibtex", "export_csl_json"]
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

    change_form_template = "admin/clinic/reference/change_form.html"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request, **kw: view(request, self, **kw))

        return [
            path("import/", wrap(import_view), name="clinic_reference_import"),
            path(
                "retracted/",
                wrap(retracted_view),
                name="clinic_reference_retracted",
            ),
            path(
                "<int:pk>/complete/",
                wrap(complete_view),
                name="clinic_reference_complete",
            ),
            path(
                "<int:pk>/decide/",
                wrap(decide_view),
                name="clinic_reference_decide",
            ),
            *super().get_urls(),
        ]

    # Governance (clinic/pages/reference_review.py) ------------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._viewer = request.user  # "cited by" lists only the pages this person may see
        return obj

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        # While a change waits for an editor, only an editor may change the reference.
        return not obj.pending or reference_review.can_approve(request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or reference_review.can_delete(request.user, obj))

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not reference_review.can_approve(request.user):
            # Bulk delete checks no object: practitioners delete one of their own at a time.
            actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only (a change waits for an editor): the authors as a list of names, not the
        # JSON the admin would print for the stored field.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "author_list" if field == "authors" else field
                        for field in options["fields"]
                        if field != "authors_et_al"
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and reference_review.key_locked(obj):
            fields.append("key")
        return fields

    def save_model(self, request, obj, form, change):
        request._reference_pending = False
        if not change:
            obj.created_by = request.user
        elif reference_review.needs_editor(request.user, obj):
            reference_review.stage(obj, by=request.user, changed=form.changed_data)
            request._reference_pending = True
            return
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Added." if not change else "Changed.")
            super().save_model(request, obj, form, change)
        if change:
            reference_review.rerender(obj)
        for message in save_warnings(obj):
            messages.warning(request, message)

    def response_change(self, request, obj):
        if getattr(request, "_reference_pending", False):
            pages = reference_review.visible(request.user, reference_review.live_pages(obj))
            messages.warning(
                request,
                format_html(
                    "Your change to {} waits for an editor: live pages cite this reference{}. "
                    "They stay as they are until an editor approves the change.",
                    obj.key,
                    format_html(" ({})", ", ".join(str(page) for page in pages)) if pages else "",
                ),
            )
            return redirect(obj.get_admin_url())
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                extra_context.update(governance_context(request, obj))
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Export selected references as RIS", permissions=["view"])
    def export_ris(self, request, queryset):
        return exporting.download(list(queryset), "ris", "references")

    @admin.action(description="Export selected references as BibTeX", permissions=["view"])
    def export_bibtex(self, request, queryset):
        return exporting.download(list(queryset), "bib", "references")

    @admin.action(description="Export selected references as CSL-JSON", permissions=["view"])
    def export_csl_json(self, request, queryset):
        return exporting.download(list(queryset), "json", "references")

    @admin.display(description="title")
    def short_title(self, obj):
        return obj.title[:90]

    @admin.display(description="first author")
    def first_author(self, obj):
        first = obj.authors[0] if obj.authors else {}
        return first.get("family") or first.get("literal") or ""

    @admin.display(description="authors")
    def author_list(self, obj):
        names = [name for name in map(_author_name, obj.authors or []) if name]
        if obj.authors_et_al:
            names.append("et al.")
        if not names:
            return "None named (an editorial, a guideline)."
        return format_html(
            '<ol class="author-list">{}</ol>',
            format_html_join("", "<li>{}</li>", ((n,) for n in names)),
        )

    @admin.display(description="as it will appear")
    def formatted(self, obj):
        return format_html("{}", obj.formatted_text) if obj.pk else "Shown after saving."

    @admin.display(description="cited by")
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        pages = reference_review.citing_pages(obj)
        viewer = getattr(obj, "_viewer", None)
        shown = reference_review.visible(viewer, pages) if viewer is not None else []
        if not pages:
            return "Not cited on any page yet."
        if not shown:
            return "Cited on pages you cannot see (other authors' drafts)."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (page.get_absolute_url() if page.is_public else _admin_url(page), str(page))
                for page in shown
            ),
        )
