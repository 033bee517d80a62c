"""Page history (django-reversion): versions on save, compare, restore, and no lost updates."""

import pytest
from django.urls import reverse

from blog.models import Post
from clinic.pages import history
from tests import factories
from tests.blog.test_admin import post_data, with_references
from tests.personas import PASSWORD, admin_login_url

pytestmark = pytest.mark.usefixtures("clinic")


def login(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def admin_url(name, *args):
    return reverse(f"admin:blog_post_{name}", args=args)


def save_in_admin(client, post, *references, **changes):
    post.refresh_from_db()
    data = post_data(post.author, title=post.title, slug=post.slug, body=post.body)
    data.update(changes)
    data["edit_stamp"] = post.updated_at.isoformat()
    with_references(data, *references)
    return client.post(admin_url("change", post.pk), data)


@pytest.fixture
def edited_post(client, personas):
    """An article saved twice by an editor: first citing `a`, then `b` with new text."""
    a, b = factories.ReferenceFactory(key="a2020"), factories.ReferenceFactory(key="b2021")
    post = factories.PostFactory(author=personas.practitioner, body="First.")
    login(client, "editor")
    assert save_in_admin(client, post, a, body="First text [@a2020].").status_code == 302
    assert save_in_admin(client, post, b, body="Second text [@b2021].").status_code == 302
    client.logout()
    return post


def test_every_admin_save_keeps_a_version(edited_post):
    versions = list(history.versions(edited_post))
    assert len(versions) == 3  # the factory-made page, kept before its first admin save
    assert versions[0].revision.user.username == "editor"
    assert history.content_of(versions[1])["fields"]["body"] == "First text [@a2020]."
    assert history.content_of(versions[2])["fields"]["body"] == "First."


def test_compare_two_versions_side_by_side(client, personas, edited_post):
    newer, older, _baseline = history.versions(edited_post)
    login(client, "editor")
    response = client.get(admin_url("compare", edited_post.pk), {"a": older.pk, "b": newer.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<table class="diff"' in html
    assert "First&nbsp;text" in html and "Second&nbsp;text" in html
    assert "a2020" in html and "b2021" in html


def test_restore_keeps_a_new_version_and_brings_back_the_references(client, personas, edited_post):
    older = list(history.versions(edited_post))[1]
    login(client, "editor")
    response = client.post(admin_url("restore", edited_post.pk, older.pk))
    assert response.status_code == 302
    edited_post.refresh_from_db()
    assert edited_post.body == "First text [@a2020]."
    assert [ref.key for ref in edited_post.attached_references()] == ["a2020"]
    assert 'href="#ref-1"' in edited_post.body_html
    assert edited_post.status == "published"  # the workflow's state is not restored
    assert len(history.versions(edited_post)) == 4  # nothing lost


def test_practitioner_restoring_a_live_page_makes_a_pending_revision(client, personas, edited_post):
    older = list(history.versions(edited_post))[1]
    login(client, "practitioner")
    client.post(admin_url("restore", edited_post.pk, older.pk))
    edited_post.refresh_from_db()
    assert edited_post.body == "Second text [@b2021]."  # the live page is unchanged
    assert edited_post.pending["fields"]["body"] == "First text [@a2020]."
    assert edited_post.pending["references"] == [
        older.revision.version_set.exclude(pk=older.pk).get().field_dict["reference_id"]
    ]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, "login"),
        ("visitor", "login"),
        ("other_practitioner", 404),
        ("practitioner", 200),
        ("editor", 200),
    ],
    ids=str,
)
def test_history_pages_permission_matrix(client, personas, edited_post, username, expected):
    """Anonymous and non-staff: the admin's log-in, then back; someone else's page: 404, as if
    it did not exist (it is not in their list); the author and editors: the page."""
    if username:
        login(client, username)
    for url in [admin_url("history", edited_post.pk), admin_url("compare", edited_post.pk)]:
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302, url
            assert response["Location"] == admin_login_url(url)
        else:
            assert response.status_code == expected, url


def test_others_cannot_restore_and_reversions_own_revert_is_closed(client, personas, edited_post):
    older = list(history.versions(edited_post))[1]
    login(client, "other_practitioner")
    assert client.post(admin_url("restore", edited_post.pk, older.pk)).status_code == 404
    login(client, "editor")
    revision_url = reverse("admin:blog_post_revision", args=[edited_post.pk, older.pk])
    assert client.get(revision_url).status_code == 403
    assert client.post(revision_url).status_code == 403
    edited_post.refresh_from_db()
    assert edited_post.body == "Second text [@b2021]."


def test_second_stale_save_is_refused_and_keeps_the_text(client, personas, published_post):
    login(client, "editor")
    assert save_in_admin(client, published_post, body="The words both opened.").status_code == 302
    published_post.refresh_from_db()
    stale_stamp = published_post.updated_at.isoformat()
    assert save_in_admin(client, published_post, body="Editor one's words.").status_code == 302

    data = post_data(
        published_post.author,
        title=published_post.title,
        slug=published_post.slug,
        body="Editor two's words.",
    )
    data["edit_stamp"] = stale_stamp
    response = client.post(admin_url("change", published_post.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in html
    assert "Editor two&#x27;s words." in html  # the text stays in the form
    assert f"{admin_url('compare', published_post.pk)}?since=" in html
    published_post.refresh_from_db()
    assert published_post.body == "Editor one's words."

    compare = client.get(admin_url("compare", published_post.pk), {"since": stale_stamp})
    html = compare.content.decode()
    assert (
        "The&nbsp;words&nbsp;both&nbsp;opened." in html and "Editor&nbsp;one's&nbsp;words." in html
    )


def test_change_form_carries_the_edit_stamp(client, personas, published_post):
    login(client, "editor")
    html = client.get(admin_url("change", published_post.pk)).content.decode()
    assert f'name="edit_stamp" value="{published_post.updated_at.isoformat()}"' in html
    assert Post.objects.count() == 1
