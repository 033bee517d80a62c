"""The workflow steps (clinic/pages/workflow.py): states, who may take them, records and e-mail."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from blog.models import Post
from clinic.models import Transition
from clinic.pages import workflow
from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


@pytest.fixture
def draft(personas):
    return factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.DRAFT,
        published_at=None,
    )


def refreshed(page):
    page.refresh_from_db()
    return page


def test_submit_request_changes_resubmit_approve(personas, draft):
    workflow.submit(page=draft, by=personas.practitioner_user)
    assert refreshed(draft).status == Status.IN_REVIEW
    assert mail.outbox[-1].to == ["admin@clinic.example", "editor@clinic.example"]
    assert "For review" in mail.outbox[-1].subject

    workflow.request_changes(page=draft, by=personas.editor, note="Cite the trial.")
    assert refreshed(draft).status == Status.CHANGES_REQUESTED
    assert mail.outbox[-1].to == ["practitioner@clinic.example"]
    assert "Cite the trial." in mail.outbox[-1].body

    workflow.submit(page=draft, by=personas.practitioner_user)
    workflow.approve(page=draft, by=personas.editor)
    draft = refreshed(draft)
    assert draft.status == Status.PUBLISHED and draft.is_public
    assert draft.next_review_due is not None  # default: the clinic's review interval
    assert mail.outbox[-1].to == ["practitioner@clinic.example"]
    assert "now published" in mail.outbox[-1].body

    steps = list(workflow.history(draft).values_list("action", "by__username", "note"))
    assert steps == [
        ("publish", "editor", ""),
        ("submit", "practitioner", ""),
        ("request_changes", "editor", "Cite the trial."),
        ("submit", "practitioner", ""),
    ]


def test_request_changes_needs_a_note(personas, draft):
    workflow.submit(page=draft, by=personas.practitioner_user)
    with pytest.raises(workflow.WorkflowError, match="note is required"):
        workflow.request_changes(page=draft, by=personas.editor, note="  ")
    assert refreshed(draft).status == Status.IN_REVIEW


@pytest.mark.parametrize(
    "step",
    [
        lambda page, by: workflow.approve(page=page, by=by),
        lambda page, by: workflow.request_changes(page=page, by=by, note="x"),
        lambda page, by: workflow.unpublish(page=page, by=by),
        lambda page, by: workflow.mark_reviewed(page=page, by=by, reviewer=page.author),
    ],
    ids=["approve", "request_changes", "unpublish", "mark_reviewed"],
)
def test_practitioners_cannot_take_editor_steps(personas, draft, step):
    workflow.submit(page=draft, by=personas.practitioner_user)
    with pytest.raises(workflow.WorkflowError, match="Only an editor"):
        step(draft, personas.practitioner_user)
    assert not Transition.objects.exclude(action="submit").exists()


def test_someone_elses_page_cannot_be_submitted(personas, draft):
    with pytest.raises(workflow.WorkflowError, match="Only the author or an editor can submit"):
        workflow.submit(page=draft, by=personas.other_practitioner_user)
    assert refreshed(draft).status == Status.DRAFT
    assert not Transition.objects.exists()
    assert mail.outbox == []


def test_scheduled_page_becomes_public_at_its_time(personas, draft):
    when = timezone.now() + datetime.timedelta(days=2)
    transition = workflow.approve(page=draft, by=personas.editor, publish_at=when)
    assert transition.action == "schedule"
    assert "will be published on" in mail.outbox[-1].body
    assert not Post.objects.published().filter(pk=draft.pk).exists()
    with time_machine.travel(when + datetime.timedelta(seconds=1)):
        assert Post.objects.published().filter(pk=draft.pk).exists()


def test_unpublish(personas, published_post):
    workflow.unpublish(page=published_post, by=personas.editor, note="Out of date.")
    assert refreshed(published_post).status == Status.UNPUBLISHED
    assert not Post.objects.published().exists()
    with pytest.raises(workflow.WorkflowError, match="Only a published or scheduled page"):
        workflow.unpublish(page=published_post, by=personas.editor)


def test_pending_changes_wait_for_review_and_live_page_stays(personas):
    old, new = factories.ReferenceFactory(key="old2000"), factories.ReferenceFactory(key="new2020")
    tag = factories.TagFactory()
    post = factories.attach(
        factories.PostFactory(author=personas.practitioner, body="Old [@old2000]."), old
    )
    workflow.stage_pending(
        post,
        by=personas.practitioner_user,
        values={"title": "New title", "body": "New claim [@new2020]."},
        m2m={"tags": [tag]},
        references=[new.pk],
    )
    post = refreshed(post)
    assert post.title != "New title" and "Old" in post.body_html
    preview = workflow.with_pending(post)
    assert preview.title == "New title" and "New claim" in preview.body_html
    assert "A randomised trial" in preview.references_html

    workflow.submit(page=post, by=personas.practitioner_user)
    assert workflow.pending_submitted(refreshed(post))
    assert not workflow.can_edit(personas.practitioner_user, post)  # waiting: no more edits
    workflow.request_changes(page=post, by=personas.editor, note="Nearly.")
    assert refreshed(post).pending and not workflow.pending_submitted(post)
    workflow.submit(page=post, by=personas.practitioner_user)
    workflow.approve(page=post, by=personas.editor)

    post = refreshed(post)
    assert post.pending == {}
    assert post.title == "New title" and "New claim" in post.body_html
    assert list(post.tags.all()) == [tag]
    assert [ref.key for ref in post.attached_references()] == ["new2020"]
    assert "Your changes" in mail.outbox[-1].body


def test_mark_reviewed_moves_review_dates_and_edits_do_not(personas, published_post):
    reviewer = factories.PractitionerFactory(name="Second Opinion")  # not the author
    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)):
        workflow.mark_reviewed(page=published_post, by=personas.editor, reviewer=reviewer)
    post = refreshed(published_post)
    assert post.last_reviewed == datetime.date(2026, 3, 31)
    assert post.next_review_due == datetime.date(2029, 3, 31)  # 36 months by default
    assert post.medically_reviewed_by == reviewer
    post.body = "Fixed a typo."
    post.save()
    assert refreshed(post).last_reviewed == datetime.date(2026, 3, 31)


def test_review_dates_shown_at_the_foot_of_public_pages(client, personas, published_post):
    workflow.mark_reviewed(
        page=published_post,
        by=personas.editor,
        reviewer=factories.PractitionerFactory(name="Second Opinion"),  # not the author
        on=datetime.date(2026, 1, 5),
    )
    html = client.get(published_post.get_absolute_url()).content.decode()
    assert 'Page last reviewed: <time datetime="2026-01-05">5 January 2026</time>' in html
    assert 'Next review due: <time datetime="2029-01-05">5 January 2029</time>' in html


def test_add_months_keeps_the_end_of_the_month():
    assert workflow.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert workflow.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_condition_page_footer_names_the_reviewer(client, personas, published_condition):
    workflow.mark_reviewed(
        page=published_condition,
        by=personas.editor,
        reviewer=personas.practitioner,
        on=datetime.date(2026, 1, 5),
    )
    html = client.get(published_condition.get_absolute_url()).content.decode()
    assert "Medically reviewed by" in html and "5 January 2026" in html
