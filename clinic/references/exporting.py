"""Exporting references as RIS, BibTeX or CSL-JSON: for staff (selected references in the admin)
and for readers ("Download these references" on each published page).

The writers live in clinic.citations.formats, so that whatever is exported here can be imported
again through the "Import references" page and gives the same records.
"""

from dataclasses import dataclass

from django.http import HttpResponse

from clinic.citations import formats
from clinic.references.models import Reference


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    content_type: str
    write: object


EXPORT_FORMATS = {
    "ris": ExportFormat("RIS", "ris", "application/x-research-info-systems", formats.write_ris),
    "bib": ExportFormat("BibTeX", "bib", "application/x-bibtex", formats.write_bibtex),
    "json": ExportFormat(
        "CSL-JSON", "json", "application/vnd.citationstyles.csl+json", formats.write_csl_json
    ),
}


def export(references: list[Reference], fmt: str) -> str:
    return EXPORT_FORMATS[fmt].write([reference.to_csl() for reference in references])


def download(references: list[Reference], fmt: str, filename: str) -> HttpResponse:
    """A file to save, named ``filename.<extension>``."""
    spec = EXPORT_FORMATS[fmt]
    response = HttpResponse(
        export(references, fmt), content_type=f"{spec.content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{spec.extension}"'
    return response


def page_references(page) -> list[Reference]:
    """The references attached to a page, in the order the page numbers them: the order
    computed when the page was saved (`reference_order`), the one its list and JSON-LD use."""
    attached = {
        link.reference_id: link.reference
        for link in page.reference_links.select_related("reference")
    }
    return [attached[pk] for pk in page.reference_order if pk in attached]
