"""The cron command that tells owners about overdue medical reviews."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


def test_owners_of_overdue_pages_are_told_once_each(personas, capsys):
    today = timezone.localdate()
    overdue = today - datetime.timedelta(days=3)
    factories.PostFactory(title="Old A", author=personas.practitioner, next_review_due=overdue)
    factories.PostFactory(title="Old B", author=personas.practitioner, next_review_due=overdue)
    factories.PostFactory(title="Fine", author=personas.practitioner, next_review_due=today)
    factories.PostFactory(
        title="Draft", status=Status.DRAFT, published_at=None, next_review_due=overdue
    )
    factories.ConditionFactory(name="Orphan", next_review_due=overdue)  # nobody owns it

    call_command("notify_overdue_reviews")

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    practitioner = by_recipient[("practitioner@clinic.example",)]
    assert practitioner.subject == "Medical review overdue: 2 pages"
    assert "Old A" in practitioner.body and "Old B" in practitioner.body
    assert "Fine" not in practitioner.body and "Draft" not in practitioner.body
    # Without an owner, the editors hear about it.
    assert "Orphan" in by_recipient[("editor@clinic.example",)].body
    assert "Sent 3 e-mail(s) about 4 overdue page(s)." in capsys.readouterr().out


def test_dry_run_sends_nothing(personas, capsys):
    factories.PostFactory(
        author=personas.practitioner,
        next_review_due=timezone.localdate() - datetime.timedelta(days=1),
    )
    call_command("notify_overdue_reviews", "--dry-run")
    assert mail.outbox == []
    assert "Would send 1 e-mail(s) about 1 overdue page(s)." in capsys.readouterr().out
