"""Background work: an SMTP server that refuses or hangs never fails a save (e-mail is a
task), and a change of citation style re-formats every reference in a task, not in the request."""

import logging
import socket

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.tasks.signals import task_enqueued
from django.urls import reverse

from clinic.bench.tcp_proxy import Proxy
from clinic.pages import workflow
from clinic.pages.publishing import Status
from clinic.practice.models import ClinicSettings
from clinic.references.models import Reference
from tests import factories


def smtp_at(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 1},
        }
    }


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


@pytest.mark.parametrize("fault", ["refuses", "hangs"])
def test_a_workflow_step_succeeds_while_smtp_is_down(personas, settings, caplog, fault):
    proxy = Proxy(("127.0.0.1", 9))
    if fault == "hangs":
        proxy.hang()  # accepts, never says hello
    settings.MAILERS = smtp_at(proxy.port if fault == "hangs" else closed_port())
    draft = factories.PostFactory(status=Status.DRAFT, author=personas.practitioner)
    try:
        with caplog.at_level(logging.ERROR, logger="django.tasks"):
            workflow.submit(page=draft, by=personas.practitioner_user)
    finally:
        proxy.down()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    failures = [r for r in caplog.records if r.name == "django.tasks"]
    assert failures and "send_email" in failures[0].getMessage()


def test_workflow_mail_goes_through_the_task(personas):
    draft = factories.PostFactory(status=Status.DRAFT, author=personas.practitioner)
    workflow.submit(page=draft, by=personas.practitioner_user)
    assert mail.outbox[-1].subject == f"For review: {draft}"


def test_a_change_of_citation_style_reformats_every_reference_in_a_task(client, personas, clinic):
    """The settings save queues a task (in production a row for the worker; run at once here)
    that re-formats every reference and every page that cites one."""
    reference = factories.ReferenceFactory(key="white2004")
    post = factories.PostFactory(body="Needles help [@white2004].")
    factories.attach(post, reference)
    post.save()
    before = Reference.objects.get(pk=reference.pk).formatted_html
    client.force_login(personas.admin)
    url = reverse("admin:clinic_clinicsettings_change", args=[clinic.pk])
    data = {
        **{k: v for k, v in model_to_dict(clinic).items() if v is not None},
        "citation_style": ClinicSettings.CitationStyle.AMA,
    }
    enqueued = []

    def record(task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(record)
    try:
        response = client.post(url, data)
    finally:
        task_enqueued.disconnect(record)
    assert response.status_code == 302, response.content.decode()[:2000]
    # The articles' stored HTML is rendered again too (it shows the clinic's settings).
    assert enqueued == ["refresh_in_background", "reformat_all_references"]
    after = Reference.objects.get(pk=reference.pk).formatted_html
    assert after != before
    post.refresh_from_db()
    assert after in post.references_html  # the page shows the new style
    assert after in post.page_parts["article"]
