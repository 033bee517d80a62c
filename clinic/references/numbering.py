"""
References on a page: citation keys, numbering and the stored reference list.

Numbering follows Vancouver: cited references in order of first citation, then the attached
references that the text never cites. The list is rendered once, when the page is saved.
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from clinic.citations.style import Formatted, format_references
from clinic.lib import markdown
from clinic.practice.models import ClinicSettings
from clinic.references.models import Reference


@dataclass
class Entry:
    number: int
    reference: Reference
    # Ids of the places the text cites this reference ("cite-3-1", "cite-3-2"), for back-links.
    cited_at: list[str]


def number_references(references, rendered: markdown.Rendered) -> list[Entry]:
    by_key = {ref.key: ref for ref in references}
    cited = [by_key[key] for key in rendered.citation_keys if key in by_key]
    uncited = [ref for ref in references if ref.key not in rendered.citation_keys]
    entries = []
    for number, ref in enumerate(cited + uncited, start=1):
        count = rendered.citation_counts.get(ref.key, 0)
        entries.append(Entry(number, ref, [f"cite-{number}-{n}" for n in range(1, count + 1)]))
    return entries


def render_reference_list(references, rendered: markdown.Rendered) -> str:
    return render_entries(number_references(references, rendered))


def render_entries(entries: list[Entry]) -> str:
    """The numbered reference list a page shows, stored on save."""
    if not entries:
        return ""
    return render_to_string("includes/reference_list.html", {"entries": entries}).strip()


def render_live_preview(text: str, *, images=None) -> str:
    """The editor's live preview (HTML as you type): the page's numbering and the list of
    what the text cites so far. `images`: the stored renditions of the uploaded images the text
    shows (by URL)."""
    keys = markdown.find_citation_keys(text)
    references = list(Reference.objects.filter(key__in=keys))
    rendered = markdown.render(text, known_keys={ref.key for ref in references}, images=images)
    cited = [ref for ref in references if ref.key in rendered.citation_keys]
    html = rendered.html + render_reference_list(cited, rendered)
    if rendered.unknown_keys:
        html += render_to_string("includes/unknown_citations.html", {"keys": rendered.unknown_keys})
    return html


def format_one(reference: Reference) -> Formatted:
    style = ClinicSettings.load().citation_style
    return format_references([reference.to_csl()], style)[0]


# Words a key never starts with when it comes from a title.
_SKIP = {"an", "the", "of", "on", "in", "and", "for", "to"}


def unique_key(reference: Reference, also_taken=frozenset(), *, ask_database=True) -> str:
    """`cherkin2009`, then `cherkin2009a`, `cherkin2009b`… if that is taken.

    `also_taken` holds keys promised to other unsaved references (an import's preview). A caller
    that already holds every key of the library in `also_taken` (a site import) passes
    `ask_database=False` to save a query per reference.
    """
    first = reference.authors[0] if reference.authors else {}
    # A family name whole ("Clemente Fuentes" -> clementefuentes); a group's or a title's first
    # real word ("National Institute for…" -> national, "4: 195. Systematic review" -> systematic,
    # "A randomized trial" -> randomized), then the journal's, for a record with neither.
    name = first.get("family") or ""
    if not name:
        text = first.get("literal") or reference.title or reference.container_title
        words = [w for w in re.findall(r"[^\W\d_]{2,}", text or "") if w.lower() not in _SKIP]
        name = words[0] if words else "ref"
    base = slugify(name).replace("-", "")[:40] or "ref"
    base += str(reference.year or "")
    taken = set()
    if ask_database:
        taken = set(
            Reference.objects.filter(key__startswith=base)
            .exclude(pk=reference.pk)
            .values_list("key", flat=True)
        )
    # Membership only: `also_taken` may hold a whole library's keys (an import's preview).
    for key in [base, *(base + suffix for suffix in "abcdefghijklmnopqrstuvwxyz")]:
        if key not in taken and key not in also_taken:
            return key
    taken |= {key for key in also_taken if key.startswith(base)}
    return f"{base}-{len(taken)}"


def citing_relations():
    """The many-to-many relations through which pages attach references, one per page type.

    Found from Reference's own relations, so this package never names a page type.
    """
    return [rel for rel in Reference._meta.related_objects if rel.many_to_many]


def reformat_all() -> None:
    """The citation style changed: format every reference again, then every page that has any."""
    style = ClinicSettings.load().citation_style
    references = list(Reference.objects.all())
    for reference, formatted in zip(
        references, format_references([ref.to_csl() for ref in references], style), strict=True
    ):
        reference.formatted_text, reference.formatted_html = formatted.text, formatted.html
    Reference.objects.bulk_update(references, ["formatted_text", "formatted_html"])
    for rel in citing_relations():
        pages = rel.related_model.objects.filter(**{f"{rel.field.name}__isnull": False})
        for page in pages.distinct():
            page.save()
