from django import template

register = template.Library()


@register.inclusion_tag("patients/call_to_action.html", takes_context=True)
def call_to_action(context, where):
    """ "Book an appointment" and the telephone number: near the top, and after the content."""
    return {"practice": context.get("practice"), "where": where}
