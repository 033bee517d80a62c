"""The editor's endpoints (preview with checks, citation search, autosave), the writer's home,
bulk actions, and what publishing refuses."""

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from PIL import Image

from blog.models import Post
from clinic.pages.autosave import Autosave
from clinic.pages.publishing import Status
from tests import factories
from tests.blog.test_admin import post_data
from tests.personas import PASSWORD

pytestmark = pytest.mark.usefixtures("clinic")

PREVIEW = reverse("editor_preview")
CITATIONS = reverse("editor_citations")


def login(client, user):
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def autosave_url(page=None, label="blog.post"):
    return reverse("editor_autosave", args=[label, page.pk if page else 0])


# Who may use them ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "preview", "citations", "autosave_new"),
    [
        (None, 403, 403, 403),
        ("visitor", 403, 403, 403),
        ("practitioner_user", 200, 200, 200),
        ("editor", 200, 200, 200),
        ("admin", 200, 200, 200),
    ],
)
def test_permission_matrix(client, personas, role, preview, citations, autosave_new):
    login(client, getattr(personas, role) if role else None)
    assert client.post(PREVIEW, {"content": "Hi"}).status_code == preview
    assert client.get(CITATIONS, {"q": "x"}).status_code == citations
    assert client.get(autosave_url()).status_code == autosave_new


def test_autosave_of_someone_elses_page_is_refused(client, personas):
    """A practitioner cannot see or store an autosave of a page that is not theirs."""
    other = factories.PostFactory(
        author=factories.PractitionerFactory(name="Guest Author"),
        status=Status.DRAFT,
        published_at=None,
    )
    login(client, personas.practitioner_user)
    assert client.get(autosave_url(other)).status_code == 404
    assert client.post(autosave_url(other), {"data": "{}"}).status_code == 404
    assert client.get(autosave_url(label="clinic.reference")).status_code == 404
    assert client.get(autosave_url(label="nope.nothing")).status_code == 404
    assert not Autosave.objects.exists()


# Preview and checks ----------------------------------------------------------------------------


def test_preview_answers_html_and_checks(client, personas):
    factories.ReferenceFactory(key="cherkin2009", title="Acupuncture trial")
    login(client, personas.practitioner_user)
    text = "## Why\n\nA study found it helps.\n\nIt helps [@cherkin2009].\n\n#### Deep\n\nText."
    data = client.post(PREVIEW, {"content": text}).json()
    assert "<h2" in data["html"] and "Acupuncture trial" in data["html"]
    codes = [finding["code"] for finding in data["report"]["findings"]]
    assert codes == ["uncited_claim", "heading_skip"]
    assert data["report"]["words"] == 8


def test_preview_refuses_with_a_message(client, personas, settings):
    settings.MARKDOWN_MAX_LENGTH = 10
    login(client, personas.editor)
    response = client.post(PREVIEW, {"content": "x" * 11})
    assert response.status_code == 400
    assert "the limit is 10" in response.json()["error"]
    assert client.post(PREVIEW, {}).json() == {"error": "Nothing to preview."}


def test_citation_search_by_author_title_year_and_key(client, personas):
    cherkin = factories.ReferenceFactory(
        key="cherkin2009", title="Back pain trial", authors=[{"family": "Cherkin"}], year=2009
    )
    factories.ReferenceFactory(
        key="linde2016", title="Migraine", authors=[{"family": "Linde"}], year=2016
    )
    login(client, personas.practitioner_user)

    def keys(query):
        return [item["key"] for item in client.get(CITATIONS, {"q": query}).json()["results"]]

    assert keys("cherkin") == ["cherkin2009"]
    assert keys("back pain") == ["cherkin2009"]
    assert keys("2016") == ["linde2016"]
    assert keys("@linde2016") == ["linde2016"]
    assert keys("cherkin 2016") == []
    assert keys("") == ["linde2016", "cherkin2009"]  # newest first
    result = client.get(CITATIONS, {"q": "cherkin"}).json()["results"][0]
    assert result["text"] == cherkin.formatted_text


# Autosave --------------------------------------------------------------------------------------


def test_autosave_keeps_the_form_apart_from_the_page(client, personas):
    post = factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.DRAFT,
        published_at=None,
        body="Old text.",
    )
    login(client, personas.practitioner_user)
    form = {"title": post.title, "body": "New text.\nSecond line."}
    answer = client.post(
        autosave_url(post), {"data": json.dumps(form), "edit_stamp": post.updated_at.isoformat()}
    ).json()
    assert answer["stale"] is False
    post.refresh_from_db()
    assert post.body == "Old text."  # the page is untouched
    kept = client.get(autosave_url(post)).json()["autosave"]
    assert kept["data"] == form
    assert kept["stale"] is False
    assert ["removed", "-Old text."] in kept["diff"]
    assert ["added", "+New text."] in kept["diff"]
    # Another person sees only their own.
    client.logout()
    login(client, personas.editor)
    assert client.get(autosave_url(post)).json() == {"autosave": None}


def test_an_autosave_made_stale_by_another_save_says_so(client, personas):
    post = factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.DRAFT,
        published_at=None,
    )
    stamp = post.updated_at.isoformat()
    login(client, personas.practitioner_user)
    client.post(autosave_url(post), {"data": json.dumps({"body": "Mine"}), "edit_stamp": stamp})
    post.body = "The editor's change."
    post.save()  # someone else saved
    kept = client.get(autosave_url(post)).json()["autosave"]
    assert kept["stale"] is True
    again = client.post(
        autosave_url(post), {"data": json.dumps({"body": "Mine 2"}), "edit_stamp": stamp}
    )
    assert again.json()["stale"] is True
    post.refresh_from_db()
    assert post.body == "The editor's change."


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '{"body": 3}', '{"tags": [1]}'])
def test_autosave_refuses_bad_data_with_a_message(client, personas, data):
    login(client, personas.practitioner_user)
    response = client.post(autosave_url(), {"data": data})
    assert response.status_code == 400
    assert response.json() == {"error": "The draft copy could not be read."}


def test_saving_the_page_removes_the_autosave(client, personas):
    login(client, personas.practitioner_user)
    client.post(autosave_url(), {"data": json.dumps({"title": "Draft"})})
    assert Autosave.objects.filter(object_id=0).exists()
    data = post_data(personas.practitioner, body="Text.")
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_old_autosaves_are_removed(client, personas, time_machine):
    login(client, personas.practitioner_user)
    time_machine.move_to("2026-01-01 10:00Z")
    client.post(autosave_url(), {"data": json.dumps({"title": "Old"})})
    time_machine.move_to("2026-02-05 10:00Z")
    assert client.get(autosave_url()).json() == {"autosave": None}
    client.force_login(personas.editor)
    client.post(autosave_url(), {"data": json.dumps({"title": "New"})})
    assert list(Autosave.objects.values_list("data", flat=True)) == [{"title": "New"}]
    assert Autosave.objects.get().content_type == ContentType.objects.get_for_model(Post)


# Images, publishing, the workflow panel and queue ----------------------------------------------


def test_uploaded_image_shows_as_picture_and_placeholder_blocks_publishing(client, personas):
    login(client, personas.editor)
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), "teal").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    code = client.post(reverse("markdownx_upload"), {"image": buffer}).json()["image_code"]
    assert code.startswith("![Describe this image](/media/uploads/")
    post = factories.PostFactory(
        status=Status.IN_REVIEW, published_at=None, body=f"Intro.\n\n{code}\n\n{code}"
    )
    assert post.body_html.count("<picture>") == 2
    first, second = post.body_html.split("<picture>")[1:]
    assert '<source type="image/webp" srcset="/media/uploads/' in first
    assert 'width="1000" height="500"' in first
    assert 'loading="eager"' in first and 'loading="lazy"' in second

    response = client.post(
        reverse("admin:blog_post_workflow", args=[post.pk, "approve"]), follow=True
    )
    assert "still say “Describe this image”" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.IN_REVIEW

    post.body = code.replace("Describe this image", "A teal square")
    post.save()
    client.post(reverse("admin:blog_post_workflow", args=[post.pk, "approve"]))
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED


def test_workflow_panel_and_queue_show_the_checks(client, personas):
    post = factories.PostFactory(
        author=personas.practitioner,
        created_by=personas.practitioner_user,
        status=Status.DRAFT,
        published_at=None,
        body="A trial found that it helps.",
    )
    login(client, personas.practitioner_user)
    page = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "Before you submit:" in page
    assert "without a citation" in page
    client.post(reverse("admin:blog_post_workflow", args=[post.pk, "submit"]))
    client.logout()
    login(client, personas.editor)
    queue = client.get(reverse("review_queue")).content.decode()
    assert "1 thing to check" in queue
    assert "without a citation" in queue


# The writer's home and bulk actions ------------------------------------------------------------


def test_practitioner_home_lists_their_work_with_the_note(client, personas):
    from clinic.pages import workflow

    mine = {"author": personas.practitioner, "created_by": personas.practitioner_user}
    factories.PostFactory(title="My draft", status=Status.DRAFT, published_at=None, **mine)
    sent_back = factories.PostFactory(title="Sent back", status=Status.IN_REVIEW, **mine)
    workflow.request_changes(page=sent_back, by=personas.editor, note="Cite the trial, please.")
    factories.PostFactory(title="Waiting", status=Status.IN_REVIEW, published_at=None, **mine)
    factories.PostFactory(
        title="Not mine",
        author=factories.PractitionerFactory(name="Guest Author"),
        status=Status.DRAFT,
        published_at=None,
    )
    login(client, personas.practitioner_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.index("Changes requested") < html.index("Your drafts")
    assert "Cite the trial, please." in html
    assert "My draft" in html and "Waiting" in html
    assert "Not mine" not in html
    assert "Waiting for your review" not in html


def test_editor_home_shows_the_queue_and_due_reviews_first(client, personas):
    import datetime

    factories.PostFactory(title="To review", status=Status.IN_REVIEW, published_at=None)
    factories.PostFactory(title="Overdue", next_review_due=datetime.date(2020, 1, 1))
    login(client, personas.editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.index("Waiting for your review") < html.index("Due for medical review")
    assert html.index("Due for medical review") < html.index("Your drafts")
    assert "To review" in html and "overdue since 1 Jan 2020" in html


def test_bulk_actions_go_through_the_workflow(client, personas):
    drafts = [
        factories.PostFactory(
            author=personas.practitioner,
            created_by=personas.practitioner_user,
            status=Status.DRAFT,
            published_at=None,
        )
        for _ in range(2)
    ]
    live = factories.PostFactory(author=personas.practitioner)
    login(client, personas.practitioner_user)
    changelist = reverse("admin:blog_post_changelist")
    actions = client.get(changelist).context["action_form"].fields["action"].choices
    names = [name for name, _ in actions]
    assert "submit_for_review" in names and "publish" not in names
    response = client.post(
        changelist,
        {"action": "submit_for_review", "_selected_action": [p.pk for p in [*drafts, live]]},
        follow=True,
    )
    assert {p.status for p in Post.objects.filter(pk__in=[p.pk for p in drafts])} == {
        Status.IN_REVIEW
    }
    assert "cannot be submitted" in response.content.decode()

    client.logout()
    login(client, personas.editor)
    client.post(changelist, {"action": "publish", "_selected_action": [p.pk for p in drafts]})
    assert {p.status for p in Post.objects.filter(pk__in=[p.pk for p in drafts])} == {
        Status.PUBLISHED
    }
    client.post(changelist, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    drafts[0].refresh_from_db()
    assert drafts[0].status == Status.UNPUBLISHED
    response = client.post(
        changelist, {"action": "mark_reviewed", "_selected_action": [live.pk]}, follow=True
    )
    assert "no practitioner profile" in response.content.decode()


def test_editors_may_add_practitioner_profiles(client, personas):
    login(client, personas.editor)
    assert client.get(reverse("admin:clinic_practitioner_add")).status_code == 200
    response = client.post(
        reverse("admin:clinic_practitioner_add"),
        {"name": "Guest Writer", "slug": "guest-writer"},
    )
    assert response.status_code == 302
    client.logout()
    login(client, personas.practitioner_user)
    assert client.get(reverse("admin:clinic_practitioner_add")).status_code == 403


def test_the_editor_preview_shares_the_per_person_rate_limit(client, personas, settings):
    """The editor's preview (with its writing checks) and markdownx's count together."""
    settings.PREVIEW_RATE_PER_MINUTE = 3
    client.force_login(personas.practitioner_user)
    assert client.post(reverse("markdownx_markdownify"), {"content": "x"}).status_code == 200
    for _ in range(2):
        assert client.post(PREVIEW, {"content": "x"}).status_code == 200
    response = client.post(PREVIEW, {"content": "x"})
    assert response.status_code == 429
    assert response.json() == {
        "error": "The preview is paused for a moment: more than 3 previews in a minute. "
        "It comes back by itself."
    }
