"""
Page history on top of django-reversion: what a version held, comparing two, restoring one.

Every admin save (and every approval of pending changes) keeps a reversion version of the page
with its attached references. Restoring goes through the same rules as an edit: it writes only
the content (text, tags, conditions, references), never the workflow's status or dates, keeps a
new version (nothing is lost), and for a practitioner's live page it becomes a pending revision.
"""

import difflib

import reversion
from django.utils import timezone
from django.utils.safestring import mark_safe
from reversion.models import Version

from clinic.pages import workflow


def versions(page):
    return (
        Version.objects.get_for_object(page)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def keep_baseline(page) -> None:
    """Before the first admin save of a page that has no history (demo or imported content),
    keep the page as it is now, so the first change can be compared and undone."""
    if Version.objects.get_for_object(page).exists():
        return
    with reversion.create_revision():
        reversion.set_comment("The page as it was before its first save in the admin.")
        reversion.add_to_revision(page)


def content_of(version) -> dict:
    """The page's content as this version held it: fields, many-to-many ids, reference ids."""
    model = version._model
    data = version.field_dict
    link_model = model.reference_links.rel.related_model
    owner = model.reference_links.field.attname
    links = []
    for other in version.revision.version_set.all():
        if other._model is link_model:
            link = other.field_dict
            if str(link.get(owner)) == str(version.object_id):
                links.append((link.get("order") or 0, link["reference_id"]))
    return {
        "fields": {name: data.get(name, "") for name in model.pending_fields},
        "m2m": {name: sorted(data.get(name) or []) for name in model.pending_m2m},
        "references": [pk for _, pk in sorted(links)],
    }


def current_content(page) -> dict:
    return {
        "fields": {name: getattr(page, name) for name in page.pending_fields},
        "m2m": {
            name: sorted(getattr(page, name).values_list("pk", flat=True))
            for name in page.pending_m2m
        },
        "references": list(page.reference_links.values_list("reference_id", flat=True)),
    }


def as_lines(page_model, content) -> list[str]:
    from clinic.references.models import Reference

    lines = []
    for name in page_model.pending_fields:
        label = page_model._meta.get_field(name).verbose_name
        lines += [f"[{label}]", *str(content["fields"].get(name) or "").splitlines(), ""]
    for name in page_model.pending_m2m:
        related = page_model._meta.get_field(name).related_model
        names = [str(obj) for obj in related.objects.filter(pk__in=content["m2m"].get(name, []))]
        lines += [f"[{name}]", ", ".join(sorted(names)), ""]
    keys = Reference.objects.in_bulk(content["references"])
    lines += ["[references]", *[keys[pk].key for pk in content["references"] if pk in keys]]
    return lines


def side_by_side(page_model, before: dict, after: dict, before_label: str, after_label: str):
    """An HTML table comparing two contents line by line (difflib escapes the text)."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        as_lines(page_model, before),
        as_lines(page_model, after),
        before_label,
        after_label,
        context=True,
        numlines=3,
    )
    return mark_safe(table)


def restore(*, page, version, by) -> str:
    """Bring back an old version's content as a new version; returns what happened."""
    content = content_of(version)
    when = timezone.localtime(version.revision.date_created).strftime("%-d %b %Y %H:%M")
    if workflow.edits_go_to_pending(by, page):
        workflow.stage_pending(
            page,
            by=by,
            values=content["fields"],
            m2m=content["m2m"],
            references=content["references"],
        )
        return (
            f"The version of {when} is now a pending revision; the live page is unchanged "
            "until an editor approves it."
        )
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(f"Restored the version of {when}.")
        workflow.apply_content(page, **content)
    return f"Restored the version of {when}, kept as a new version in the history."
