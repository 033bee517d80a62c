from django import template

from clinic.patients import public, services, views

register = template.Library()


@register.inclusion_tag("patients/questions.html", takes_context=True)
def page_questions(context, page):
    """Approved questions and answers under a page (one query), and the form while open."""
    comments = public.approved_comments(page)
    return {
        "practice": context.get("practice"),
        "comments": comments,
        "form": views.question_form(page) if services.questions_open(page) else None,
        "token": views.page_token(page),
    }


@register.inclusion_tag("patients/call_to_action.html", takes_context=True)
def call_to_action(context, where):
    """ "Book an appointment" and the telephone number: near the top, and after the content."""
    return {"practice": context.get("practice"), "where": where}
