"""The workflow in the admin: who sees, edits and moves which page (the permission matrix)."""

import pytest
from django.core import mail
from django.urls import reverse

from blog.models import Post
from clinic.pages.publishing import Status
from conditions.models import Condition
from tests import factories
from tests.blog.test_admin import post_data
from tests.personas import PASSWORD, admin_login_url

pytestmark = pytest.mark.usefixtures("clinic")


def login(client, username):
    if username:
        client.login(username=username, password=PASSWORD)
    return client


def step_url(page, step):
    meta = page._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_workflow", args=[page.pk, step])


def change_url(page):
    meta = page._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[page.pk])


@pytest.fixture
def in_review(personas):
    return factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.IN_REVIEW,
        published_at=None,
    )


@pytest.fixture
def own_draft(personas):
    return factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.DRAFT,
        published_at=None,
    )


# (step, page fixture, POST data, status afterwards)
STEPS = {
    "submit": ("own_draft", {}, Status.IN_REVIEW),
    "approve": ("in_review", {}, Status.PUBLISHED),
    "request_changes": ("in_review", {"note": "Please cite a trial."}, Status.CHANGES_REQUESTED),
    "unpublish": ("published_post", {}, Status.UNPUBLISHED),
    "mark_reviewed": ("published_post", {}, Status.PUBLISHED),
}
# What each role gets: "login" (redirect to log in), 403, 404 (not theirs: not found), or "ok".
MATRIX = {
    None: dict.fromkeys(STEPS, "login"),
    "visitor": dict.fromkeys(STEPS, "login"),
    "practitioner": {
        "submit": "ok",
        "approve": 403,
        "request_changes": 403,
        "unpublish": 403,
        "mark_reviewed": 403,
    },
    "other_practitioner": dict.fromkeys(STEPS, 404),  # not theirs: not even in their list
    "editor": dict.fromkeys(STEPS, "ok"),
    "admin": dict.fromkeys(STEPS, "ok"),
}


@pytest.mark.parametrize("username", list(MATRIX), ids=str)
@pytest.mark.parametrize("step", list(STEPS))
def test_workflow_step_permission_matrix(request, client, personas, username, step):
    fixture, data, status_after = STEPS[step]
    page = request.getfixturevalue(fixture)
    status_before = page.status
    if step == "mark_reviewed":
        data = {"reviewer": personas.practitioner.pk}
    response = login(client, username).post(step_url(page, step), data)
    expected = MATRIX[username][step]
    page.refresh_from_db()
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == admin_login_url(step_url(page, step))
    elif expected == "ok":
        assert response.status_code == 302 and response["Location"] == change_url(page)
        assert page.status == status_after
        return
    else:
        assert response.status_code == expected
    assert page.status == status_before


def test_workflow_steps_need_post(client, personas, own_draft):
    login(client, "practitioner")
    assert client.get(step_url(own_draft, "submit")).status_code == 405
    assert own_draft.status == Status.DRAFT


def test_request_changes_without_a_note_is_refused_with_a_message(client, personas, in_review):
    login(client, "editor")
    response = client.post(step_url(in_review, "request_changes"), {"note": ""}, follow=True)
    assert "the note is required" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_approve_with_a_bad_time_is_refused(client, personas, in_review):
    login(client, "editor")
    response = client.post(step_url(in_review, "approve"), {"publish_at": "soon"}, follow=True)
    assert "Give the publication time" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_schedule_through_the_admin(client, personas, in_review):
    login(client, "editor")
    response = client.post(step_url(in_review, "approve"), {"publish_at": "2099-01-01T09:00"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED and not in_review.is_public
    assert in_review.published_at.year == 2099
    page = client.get(change_url(in_review)).content.decode()
    assert "Scheduled for" in page


def test_practitioners_see_only_their_own_pages(client, personas, own_draft, published_post):
    others = factories.PostFactory(title="Omar's article", author=personas.practitioner)
    others.author = factories.PractitionerFactory(name="Omar Patel", slug="omar-patel")
    others.save()
    login(client, "practitioner")
    listing = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert own_draft.title in listing
    assert "Omar&#x27;s article" not in listing and "Omar's article" not in listing
    response = client.get(change_url(others))
    # The admin's answer for an object outside the list: back to its index, with a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_practitioner_cannot_edit_while_in_review(client, personas, in_review):
    login(client, "practitioner")
    data = post_data(personas.practitioner, title="Changed", slug=in_review.slug)
    assert client.post(change_url(in_review), data).status_code == 403
    in_review.refresh_from_db()
    assert in_review.title != "Changed"


def test_practitioner_cannot_change_status_or_author(client, personas, own_draft):
    login(client, "practitioner")
    other = factories.PractitionerFactory(name="Omar Patel", slug="omar-patel")
    data = post_data(other, title="Mine still", slug=own_draft.slug, body="Text.")
    data["status"] = Status.PUBLISHED
    response = client.post(change_url(own_draft), data)
    assert response.status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.title == "Mine still"
    assert own_draft.status == Status.DRAFT
    assert own_draft.author == personas.practitioner


def test_practitioner_adds_a_draft_as_its_author(client, personas):
    login(client, "practitioner")
    other = factories.PractitionerFactory(name="Omar Patel", slug="omar-patel")
    response = client.post(
        reverse("admin:blog_post_add"), post_data(other, body="A new draft.", status="published")
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == Status.DRAFT
    assert post.author == personas.practitioner
    assert post.created_by == personas.practitioner_user


def test_practitioner_edit_of_a_live_page_waits_as_pending(client, personas):
    post = factories.PostFactory(author=personas.practitioner, body="Reviewed.")
    login(client, "practitioner")
    data = post_data(personas.practitioner, title=post.title, slug=post.slug, body="Unreviewed.")
    response = client.post(change_url(post), data, follow=True)
    assert "pending revision" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Reviewed." and post.pending["fields"]["body"] == "Unreviewed."
    assert "Reviewed." in client.get(post.get_absolute_url()).content.decode()

    client.post(step_url(post, "submit"))
    assert "For review" in mail.outbox[-1].subject
    login(client, "editor")
    client.post(step_url(post, "approve"))
    post.refresh_from_db()
    assert post.body == "Unreviewed." and post.pending == {}


def test_editor_edits_live_page_directly(client, personas, published_post):
    login(client, "editor")
    data = post_data(
        published_post.author, title="Edited", slug=published_post.slug, body="New text."
    )
    assert client.post(change_url(published_post), data).status_code == 302
    published_post.refresh_from_db()
    assert published_post.title == "Edited" and published_post.pending == {}


def test_condition_pages_share_the_workflow(client, personas):
    login(client, "practitioner")
    data = {
        "name": "Knee pain",
        "slug": "knee-pain",
        "alternative_names": "",
        "summary": "",
        "overview": "Knees.",
        "reference_links-TOTAL_FORMS": "0",
        "reference_links-INITIAL_FORMS": "0",
        "reference_links-MIN_NUM_FORMS": "0",
        "reference_links-MAX_NUM_FORMS": "1000",
    }
    for field in ["symptoms", "when_to_seek_help", "causes", "diagnosis", "treatments"]:
        data[field] = ""
    data.update(evidence="", self_care="")
    assert client.post(reverse("admin:conditions_condition_add"), data).status_code == 302
    condition = Condition.objects.get(slug="knee-pain")
    assert condition.created_by == personas.practitioner_user
    assert client.post(step_url(condition, "submit")).status_code == 302
    assert client.post(step_url(condition, "approve")).status_code == 403
    login(client, "editor")
    client.post(step_url(condition, "approve"))
    condition.refresh_from_db()
    assert condition.is_public


def test_change_page_shows_the_workflow_panel(client, personas, in_review):
    login(client, "editor")
    html = client.get(change_url(in_review)).content.decode()
    assert 'Workflow: <span class="workflow-status">In review</span>' in html
    assert "Request changes" in html and "Approve and publish" in html
    login(client, "practitioner")
    html = client.get(change_url(in_review)).content.decode()
    assert "Request changes" not in html and "Approve and publish" not in html


# Preview, share links, review queue and review dates ------------------------------------------


def test_staff_preview_of_a_draft_is_private_and_marked(client, personas, own_draft):
    url = reverse("admin:blog_post_preview", args=[own_draft.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == admin_login_url(url)
    login(client, "other_practitioner")
    assert client.get(url).status_code == 404
    login(client, "practitioner")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft: not public" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert f"<h1>{own_draft.title}</h1>" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_preview_shows_pending_changes(client, personas, published_post):
    from clinic.pages import workflow

    workflow.stage_pending(
        published_post,
        by=personas.practitioner_user,
        values={"body": "Proposed wording."},
        m2m={},
        references=[],
    )
    login(client, "editor")
    html = client.get(reverse("admin:blog_post_preview", args=[published_post.pk])).content
    assert b"Proposed wording." in html and b"changes waiting for review" in html
    assert b"Proposed wording." not in client.get(published_post.get_absolute_url()).content


def test_share_link_works_until_revoked_or_expired(client, personas, own_draft):
    import datetime

    import time_machine
    from django.utils import timezone

    login(client, "practitioner")
    client.post(step_url(own_draft, "share"), {"days": "3"})
    own_draft.refresh_from_db()
    from clinic.pages import preview

    link = preview.share_path(own_draft)
    client.logout()
    response = client.get(link)
    assert response.status_code == 200
    assert b"Draft: not public. A shared preview" in response.content
    assert "no-store" in response["Cache-Control"]
    assert client.get(link[:-3] + "xx/").status_code == 404  # forged
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        assert client.get(link).status_code == 404  # expired
    login(client, "practitioner")
    client.post(step_url(own_draft, "revoke"))
    client.logout()
    assert client.get(link).status_code == 404


def test_share_link_days_are_checked(client, personas, own_draft):
    login(client, "practitioner")
    response = client.post(step_url(own_draft, "share"), {"days": "500"}, follow=True)
    assert "from 1 to 90 days" in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.preview_token == ""


@pytest.mark.parametrize("name", ["review_queue", "review_dates"])
@pytest.mark.parametrize(
    ("username", "expected"),
    [(None, "login"), ("visitor", "login"), ("practitioner", 403), ("editor", 200), ("admin", 200)],
)
def test_editor_pages_permission_matrix(client, personas, name, username, expected):
    response = login(client, username).get(reverse(name))
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == admin_login_url(reverse(name))
    else:
        assert response.status_code == expected


def test_review_queue_lists_oldest_first_with_a_diff(client, personas, in_review):
    import datetime

    from django.utils import timezone

    from clinic.pages import workflow

    live = factories.PostFactory(title="Live page", author=personas.practitioner, body="Old line")
    workflow.stage_pending(
        live,
        by=personas.practitioner_user,
        values={"body": "New line <script>alert(1)</script>"},
        m2m={},
        references=[],
    )
    workflow.submit(page=live, by=personas.practitioner_user)
    Post.objects.filter(pk=in_review.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2)
    )
    login(client, "editor")
    html = client.get(reverse("review_queue")).content.decode()
    assert html.index(in_review.title) < html.index("Live page")
    assert '<span class="removed">-Old line</span>' in html
    assert '<span class="added">+New line &lt;script&gt;alert(1)&lt;/script&gt;</span>' in html
    assert "<script>alert(1)" not in html


def test_review_dates_dashboard(client, personas):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    factories.PostFactory(
        title="Overdue one",
        next_review_due=today - datetime.timedelta(days=1),
        last_reviewed=today - datetime.timedelta(days=1200),
    )
    factories.PostFactory(
        title="Soon one",
        next_review_due=today + datetime.timedelta(days=10),
        last_reviewed=today - datetime.timedelta(days=1000),
    )
    factories.PostFactory(
        title="Fresh one", next_review_due=today + datetime.timedelta(days=900), last_reviewed=today
    )
    factories.ConditionFactory(name="Never one")
    login(client, "editor")
    html = client.get(reverse("review_dates")).content.decode()
    assert "Overdue (1)" in html and "Due within 30 days (1)" in html
    assert "Never reviewed (1)" in html
    assert "Fresh one" not in html
    assert html.index("Overdue one") < html.index("Soon one") < html.index("Never one")


def test_admin_index_links_the_editor_pages_for_editors_only(client, personas):
    login(client, "editor")
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("review_queue")}"' in html
    login(client, "practitioner")
    assert reverse("review_queue") not in client.get(reverse("admin:index")).content.decode()


def test_previews_show_pending_tags_and_only_public_conditions(client, personas, own_draft):
    from clinic.pages import preview

    hidden = factories.ConditionFactory(name="Secret condition", status=Status.DRAFT)
    public = factories.ConditionFactory(name="Public condition")
    own_draft.conditions.add(hidden, public)
    preview.share(own_draft, days=1)
    html = client.get(preview.share_path(own_draft)).content.decode()
    assert "Public condition" in html and "Secret condition" not in html

    live = factories.PostFactory(author=personas.practitioner)
    new_tag = factories.TagFactory(name="Sleep")
    from clinic.pages import workflow

    workflow.stage_pending(
        live, by=personas.practitioner_user, values={}, m2m={"tags": [new_tag]}, references=[]
    )
    login(client, "editor")
    html = client.get(reverse("admin:blog_post_preview", args=[live.pk])).content.decode()
    assert ">Sleep</a>" in html


def test_practitioner_without_a_profile_cannot_add_articles(client, personas):
    from tests.personas import make_user

    make_user("newcomer", group="Practitioners")
    login(client, "newcomer")
    assert client.get(reverse("admin:blog_post_add")).status_code == 403
    assert client.get(reverse("admin:conditions_condition_add")).status_code == 200
