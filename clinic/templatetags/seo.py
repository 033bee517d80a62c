"""Tags for what search engines and sharing read: JSON-LD and absolute addresses."""

from django import template
from django.conf import settings

from clinic.lib import structured_data

register = template.Library()


@register.simple_tag
def absolute_url(path):
    return structured_data.absolute(path)


@register.simple_tag(takes_context=True)
def json_ld(context, page):
    """The page's schema.org JSON-LD (its citations were stored on save)."""
    if context.get("draft_preview"):
        return ""  # a draft is nothing to describe to search engines
    clinic = context["clinic"]
    if page._meta.model_name == "post":
        data = structured_data.for_post(page, clinic=clinic)
    else:
        creator = page.created_by
        author = getattr(creator, "practitioner", None) if creator is not None else None
        data = structured_data.for_condition(page, clinic=clinic, author=author)
    return structured_data.to_script(data)


@register.simple_tag
def site_url():
    return settings.SITE_URL
