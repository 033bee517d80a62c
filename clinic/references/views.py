"""Readers' downloads of a published page's references."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from clinic.references import exporting


class ReferenceDownloadView(View):
    """A published page's references as a file to save: /blog/<slug>/references.ris|.bib|.json."""

    model = None

    def get(self, request, slug, fmt):
        if fmt not in exporting.EXPORT_FORMATS:
            raise Http404("No such format.")
        page = get_object_or_404(self.model.objects.published(), slug=slug)
        references = exporting.page_references(page)
        if not references:
            raise Http404("This page has no references.")
        return exporting.download(references, fmt, f"{page.slug}-references")
