"""E-mails to staff, sent through Django's tasks framework (a worker in production).

Neither e-mail carries anything the patient wrote: no name, no contact details, no message, no
question. Only that something arrived, and a link into the admin, where reading it is recorded.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Q
from django.tasks import task
from django.urls import reverse

from clinic.patients.models import AppointmentRequest, Comment
from clinic.practice.models import ClinicSettings


def admin_link(name, pk):
    return f"{settings.SITE_URL}{reverse(name, args=[pk])}"


def reception_addresses():
    users = get_user_model().objects.filter(
        Q(groups__name="Reception") | Q(is_superuser=True), is_active=True, is_staff=True
    )
    addresses = sorted({user.email for user in users if user.email})
    if not addresses:
        clinic_email = ClinicSettings.load().email
        addresses = [clinic_email] if clinic_email else []
    return addresses


@task
def notify_reception(request_id: int):
    request = AppointmentRequest.objects.filter(pk=request_id).only("id", "kind").first()
    recipients = reception_addresses()
    if request is None or not recipients:
        return 0
    kind = request.get_kind_display().lower()
    body = (
        f"A new {kind} has arrived through the website.\n\n"
        f"Open it in the admin (you will be asked to log in):\n"
        f"{admin_link('admin:patients_appointmentrequest_change', request.pk)}\n\n"
        "The patient's details are kept in the admin only, never in e-mail.\n"
    )
    return mail.send_mail(f"New {kind} #{request.pk}", body, None, recipients)


@task
def notify_author(comment_id: int):
    """Tell the author of the page that a question waits for moderation."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return 0
    page = comment.page
    author = getattr(page, "author", None)
    user = getattr(author, "user", None)
    if user is None or not user.email or not user.is_active:
        return 0
    title = str(page)
    body = (
        f"A patient has asked a question on your article “{title}”.\n\n"
        f"Read it, then approve, answer or reject it in the admin:\n"
        f"{admin_link('admin:patients_comment_change', comment.pk)}\n\n"
        "Nothing is shown on the site until it is approved.\n"
    )
    return mail.send_mail(f"New question on “{title}”", body, None, [user.email])
