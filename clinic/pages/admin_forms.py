"""The page form's parts: the references inline that checks citations, and the edit stamp that
refuses a save based on an out-of-date copy of the page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from clinic.lib import markdown
from clinic.references.models import Reference


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
        # Citing attaches: a cited library reference joins the list when the page is saved.
        self.cited_unattached = list(Reference.objects.filter(key__in=missing).order_by("key"))
        known = {reference.key for reference in self.cited_unattached}
        unknown = [key for key in missing if key not in known]
        if unknown:
            raise ValidationError(
                "Not in the reference library: "
                + ", ".join(f"@{key}" for key in unknown)
                + ". Check the spelling, or import the reference first (the citation button "
                "offers it)."
            )

    def attach_cited(self) -> list[Reference]:
        """Attach the references the text cites but the list lacks, after the others."""
        added = getattr(self, "cited_unattached", [])
        if not added:
            return []
        links = self.instance.reference_links
        order = max([link.order for link in links.all()], default=0)
        for offset, reference in enumerate(added, start=1):
            links.model.objects.get_or_create(
                **{links.field.name: self.instance, "reference": reference},
                defaults={"order": order + offset},
            )
        return added


class ReferenceInline(admin.TabularInline):
    formset = CitationFormSet
    autocomplete_fields = ["reference"]
    fields = ["reference", "order"]
    extra = 0
    verbose_name = "reference"
    verbose_name_plural = "References (cite them in the text as [@key])"


class EditStampForm(forms.ModelForm):
    """Optimistic locking: a save based on an out-of-date copy of the page is refused.

    The form carries the page's `updated_at` as it was when the form was shown; if someone saved
    the page since, the second save is refused with a link to what changed, and the person's text
    stays in the form. (A POST without the stamp, e.g. from a script, is not checked.)
    """

    edit_stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.initial["edit_stamp"] = self.instance.updated_at.isoformat()

    def clean_slug(self):
        """An address already taken says which page holds it, with a link to that page."""
        slug = self.cleaned_data.get("slug")
        model = self._meta.model
        holder = model.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if holder is not None:
            meta = model._meta
            raise ValidationError(
                format_html(
                    'The address “{}” is already used by the {} <a href="{}">{}</a>. '
                    "Choose another, e.g. “{}-2”.",
                    slug,
                    meta.verbose_name,
                    reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[holder.pk]),
                    holder,
                    slug,
                ),
                code="unique",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        stamp = (self.data.get("edit_stamp") or "").strip()
        if self.instance.pk and stamp and stamp != self.instance.updated_at.isoformat():
            meta = self.instance._meta
            url = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_compare", args=[self.instance.pk]
            )
            raise ValidationError(
                format_html(
                    "Someone else saved this page after you opened it, so your save was "
                    "refused to keep their work. Your text is still below. "
                    '<a href="{}?since={}" target="_blank">See what changed meanwhile</a>, '
                    "copy your changes into the latest version (reload the page), and save "
                    "again.",
                    url,
                    stamp,
                ),
                code="stale",
            )
        return cleaned


def reference_ids(formsets) -> list[int]:
    """The references a page's inline forms attach, in their order."""
    for formset in formsets:
        if isinstance(formset, CitationFormSet):
            rows = [
                (form.cleaned_data.get("order") or 0, form.cleaned_data["reference"].pk)
                for form in formset.forms
                if form.cleaned_data.get("reference") and not form.cleaned_data.get("DELETE")
            ]
            ids = [pk for _, pk in sorted(rows)]
            return ids + [ref.pk for ref in formset.cited_unattached if ref.pk not in ids]
    return []
