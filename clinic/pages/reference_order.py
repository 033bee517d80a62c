"""The migration step that fills `reference_order` on pages saved before it was stored.

Shared by the blog and conditions migrations. It numbers each page's references exactly as
`Publishable.render()` does (clinic.references.numbering): cited references in order of first
citation, then the attached ones the text never cites, in attached order.
"""

from clinic.lib import markdown


def fill_reference_order(app_label, model_name, markdown_source):
    """A RunPython function; `markdown_source(row)` gives a page's whole Markdown text."""

    def fill(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        pages = model.objects.filter(reference_links__isnull=False).distinct()
        for page in pages.iterator():
            links = page.reference_links.select_related("reference").order_by("order", "id")
            attached = [(link.reference_id, link.reference.key) for link in links]
            rendered = markdown.render(
                markdown_source(page), known_keys={key for _, key in attached}
            )
            position = {key: index for index, key in enumerate(rendered.citation_keys)}
            cited = sorted(
                ((pk, key) for pk, key in attached if key in position),
                key=lambda item: position[item[1]],
            )
            cited = [pk for pk, _ in cited]
            uncited = [pk for pk, key in attached if key not in position]
            model.objects.filter(pk=page.pk).update(reference_order=cited + uncited)

    return fill
