"""The patients' forms: /contact/ (appointment requests and enquiries) and questions on pages.

Both answer a complete submission from a bot exactly as they answer a person (the thank-you
page) and store nothing for it (clinic/patients/spam.py); mistakes get their messages whoever
made them, since nothing is stored. Both redirect after a successful POST, so that reloading
the page never sends twice, and the thank-you pages show nothing the patient wrote.
"""

from django.apps import apps
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clinic.lib.filled import Filled
from clinic.patients import services, spam
from clinic.patients.forms import ContactForm, QuestionForm
from clinic.practice import info

_PAGE_SALT = "clinic.patients.page"


def contact(request):
    if request.method == "POST":
        form = ContactForm(request.POST)
        # Mistakes are shown to anyone (nothing is stored); a complete form from a bot is
        # thanked like anyone else's and dropped.
        if form.is_valid():
            if not spam.bot_reason(request, "contact"):
                services.submit_request(data=form.cleaned_data)
            return redirect("patients:contact_thanks")
    else:
        form = ContactForm()
    context = {"form": form, **info.panel()}
    return info.with_open_state(render(request, "patients/contact.html", context), context)


def contact_thanks(request):
    return render(request, "patients/contact_thanks.html")


# --- Questions on pages -----------------------------------------------------------------------


def page_token(page) -> str:
    """Names the page a question form belongs to; signed, so only real pages can be named."""
    return signing.dumps([page._meta.app_label, page._meta.model_name, page.pk], salt=_PAGE_SALT)


def page_from_token(token):
    """The public page a token names, or 404."""
    try:
        app_label, model_name, pk = signing.loads(token, salt=_PAGE_SALT)
        model = apps.get_model(app_label, model_name)
    except (signing.BadSignature, LookupError, TypeError, ValueError):
        raise Http404("No such page.") from None
    queryset = model._default_manager
    if not hasattr(queryset, "published"):
        raise Http404("No such page.")
    page = queryset.published().filter(pk=pk).first()
    if page is None:
        raise Http404("No such page.")
    return page


# No CSRF token: the form sits on article pages that are served whole from the page cache to
# everyone, and a token would make each page personal. Nothing here acts for a logged-in person:
# the form only adds a question that waits for moderation, and the spam checks still apply.
@csrf_exempt
@require_POST
def ask(request, token):
    page = page_from_token(token)
    if not services.questions_open(page):
        raise Http404("Questions are closed on this page.")
    form = QuestionForm(request.POST)
    if not form.is_valid():
        context = {"page": page, "form": form, "token": token}
        return render(request, "patients/question_form_page.html", context, status=400)
    sent = redirect("patients:question_sent", token=token)
    if spam.bot_reason(request, "question"):
        return sent
    services.submit_question(
        page=page,
        author_name=form.cleaned_data["author_name"],
        author_email=form.cleaned_data["author_email"],
        body=form.cleaned_data["body"],
    )
    return sent


def question_sent(request, token):
    page = page_from_token(token)
    return render(request, "patients/question_sent.html", {"page": page})


def question_form():
    return QuestionForm(auto_id="question-%s")


# Under an article, the question form (while questions are open) is the same on every page but
# for two values: the signed time stamp (clinic/patients/spam.py) and the page's token in its
# address. Rendering Django's field layout was a third of an article page's template time, so
# it is rendered once per process with markers, which each page view replaces.
QUESTION_PART = "<!--clinic:question-part-->"
# The address is reversed with the token's marker as its token: a signed value's characters
# (letters, digits, "-", "_", ":") are never quoted, so the token simply takes its place.
_MARKERS = {"stamp": "clinic-question-form-stamp", "token": "clinic-question-form-token"}


def _render_open(markers):
    form = question_form()
    form.initial[spam.STARTED] = markers["stamp"]
    context = {"form": form, "token": markers["token"]}
    return render_to_string("patients/question_open.html", context)


_QUESTION_OPEN = Filled(_render_open, _MARKERS)
_QUESTION_CLOSED = Filled(lambda markers: render_to_string("patients/question_closed.html"), {})


def question_part_html(page) -> SafeString:
    """The form for asking a question on `page`, blank, or the note that questions are closed
    (patients/question_open.html, question_closed.html)."""
    return question_part(services.questions_open(page), page_token(page))


def question_part(is_open: bool, token: str) -> SafeString:
    """question_part_html() from what it depends on: whether questions are open, and the page's
    token (page_token(), which may have been made earlier: it names the page and does not
    expire)."""
    if not is_open:
        return _QUESTION_CLOSED.fill()
    return _QUESTION_OPEN.fill(stamp=spam.form_stamp(), token=token)
