"""`{% writer_home as sections %}`: the admin home's lists for the person logged in."""

from django import template

from clinic.pages import home

register = template.Library()


@register.simple_tag(takes_context=True)
def writer_home(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return home.sections(request)
