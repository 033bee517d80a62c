"""Tags for what search engines and sharing read: JSON-LD and absolute addresses."""

from django import template
from django.conf import settings

from clinic.lib import structured_data
from clinic.patients import public
from clinic.practice import info

register = template.Library()


@register.simple_tag
def absolute_url(path):
    return structured_data.absolute(path)


@register.simple_tag(takes_context=True)
def json_ld(context, page):
    """The page's schema.org JSON-LD (its citations were stored on save)."""
    if context.get("draft_preview"):
        return ""  # a draft is nothing to describe to search engines
    return page_json_ld(page, context["practice"])


def page_json_ld(page, clinic):
    """The page's JSON-LD script; an article's with its patients' approved questions."""
    if page._meta.model_name == "post":
        data = structured_data.for_post(page, clinic=clinic)
        # Patients' approved questions (stored with the article's HTML, blog/page_html.py).
        comments = public.json_ld(page, person=structured_data.person)
        if comments:
            data["comment"] = comments
            data["commentCount"] = len(comments)
    else:
        creator = page.created_by
        author = page.author or (
            getattr(creator, "practitioner", None) if creator is not None else None
        )
        data = structured_data.for_condition(page, clinic=clinic, author=author)
    return structured_data.to_script(data)


@register.simple_tag(takes_context=True)
def clinic_json_ld(context):
    """The clinic as a schema.org MedicalClinic, in full (home and contact pages)."""
    clinic = context["practice"]
    return structured_data.to_script(clinic.structured_data or info.clinic_structured_data(clinic))


@register.simple_tag
def site_url():
    return settings.SITE_URL
