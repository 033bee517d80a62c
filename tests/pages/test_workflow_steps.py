"""The workflow alone decides which steps a person may take; the admin's panel shows its answer."""

import pytest

from clinic.pages import workflow
from clinic.pages.publishing import Status
from tests import factories

OWN = {"submit", "share", "revoke"}


@pytest.fixture
def draft(personas):
    return factories.PostFactory(
        status=Status.DRAFT, author=personas.practitioner, created_by=personas.practitioner_user
    )


@pytest.mark.parametrize(
    ("status", "pending", "expected"),
    [
        (Status.DRAFT, {}, {"approve", "mark_reviewed", *OWN}),
        (Status.IN_REVIEW, {}, {"approve", "request_changes", "mark_reviewed", "share", "revoke"}),
        (Status.PUBLISHED, {}, {"unpublish", "mark_reviewed", "share", "revoke"}),
        (
            Status.PUBLISHED,
            {"fields": {"title": "New"}, "submitted_at": "2026-01-01T09:00:00+00:00"},
            {"approve", "request_changes", "unpublish", "mark_reviewed", "share", "revoke"},
        ),
        (
            Status.PUBLISHED,
            {"fields": {"title": "New"}, "submitted_at": None},
            {"submit", "approve", "unpublish", "mark_reviewed", "share", "revoke"},
        ),
    ],
)
def test_an_editor_may_take_the_steps_the_state_allows(personas, draft, status, pending, expected):
    draft.status, draft.pending = status, pending
    assert workflow.available_steps(personas.editor, draft) == expected


def test_the_author_may_submit_and_share_their_draft_but_not_publish_it(personas, draft):
    assert workflow.available_steps(personas.practitioner_user, draft) == OWN
    assert not workflow.may_take(personas.practitioner_user, draft, "approve")


def test_another_practitioner_may_take_no_step(personas, draft):
    assert workflow.available_steps(personas.other_practitioner_user, draft) == set()
    assert not any(
        workflow.may_take(personas.other_practitioner_user, draft, step) for step in workflow.STEPS
    )


def test_an_unknown_step_is_an_error(personas, draft):
    with pytest.raises(ValueError, match="No such workflow step"):
        workflow.may_take(personas.editor, draft, "delete_everything")
