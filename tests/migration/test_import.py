import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from blog.models import Post, Tag
from clinic.migration import importer
from clinic.migration.models import ImportedItem, Redirect
from clinic.models import Practitioner, Reference
from clinic.pages.publishing import Status
from clinic.patients.models import Comment
from conditions.models import Condition
from tests.migration import exports

pytestmark = pytest.mark.django_db

NO_IMAGES = importer.Options(fetch_images=False)


def state():
    """Everything an import writes, to compare before and after a second import."""
    return {
        "posts": list(Post.objects.values_list("slug", "status", "body", "updated_at")),
        "conditions": list(Condition.objects.values_list("slug", "pending", "updated_at")),
        "references": Reference.objects.count(),
        "tags": sorted(Tag.objects.values_list("slug", flat=True)),
        "redirects": sorted(Redirect.objects.values_list("old_path", "new_path")),
        "items": list(ImportedItem.objects.values_list("original_id", "updated_at")),
        "practitioners": Practitioner.objects.count(),
        "comments": list(Comment.objects.values_list("original_id", "status", "body")),
    }


def test_blogger_takeout_into_the_demo_clinic(demo, takeout, client):
    before = state()
    plan = importer.plan(takeout, NO_IMAGES)
    rows = {row.title: row for row in plan.rows}
    post_row = rows["Acupuncture for low back pain: what the evidence says"]
    assert (post_row.action, post_row.new_url) == ("create", "/blog/acupuncture-for-low-back-pain/")
    assert (post_row.references, post_row.matched, post_row.images) == (
        2,
        2,
        [f"{exports.IMAGE}/s1600/needles.jpg"],
    )
    assert rows["Back Pain"].match == "Back pain"
    assert rows["Contact us"].action == "skip"
    assert rows["Can acupuncture help with stress?"].problems == [
        "An article with this title is already here (/blog/can-acupuncture-help-with-stress/); "
        "the import adds a second one beside it."
    ]
    helen = Practitioner.objects.get(slug="helen-marsh")
    assert plan.authors == [{"key": "Helen Marsh", "name": "Helen Marsh", "practitioner": helen.pk}]
    assert state() == before  # the preview wrote nothing

    report = importer.run(takeout, NO_IMAGES)

    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert (
        post.status == Status.PUBLISHED
        and post.published_at.isoformat() == "2022-09-15T08:00:00+00:00"
    )
    assert post.author.name == "Helen Marsh"  # matched by name to the demo's Dr Helen Marsh
    assert sorted(post.tags.values_list("name", flat=True)) == ["Acupuncture", "Back Pain"]
    assert [link.reference.key for link in post.reference_links.all()] == [
        "cherkin2009",
        "furlan2005",
    ]
    assert "[@cherkin2009]" in post.body and '<sup class="citation">' in post.body_html
    draft = Post.objects.get(title="Dry needling: how it differs")
    assert draft.status == Status.DRAFT
    assert not Post.objects.filter(title="Old opening hours").exists()  # deleted on Blogger
    # The Back Pain page matched the live demo page: merged as a pending revision, both texts kept.
    back_pain = Condition.objects.get(slug="back-pain")
    assert back_pain.pending["submitted_at"]
    treatments = back_pain.pending["fields"]["treatments"]
    assert "Exercise programmes" in treatments and "[@haake2007]" in treatments
    assert Reference.objects.filter(key="haake2007").exists()
    assert report["counts"]["page: created"] == 1
    (comment,) = Comment.objects.approved().for_page(post)
    assert (comment.author_name, comment.source) == ("Margaret", "blogger")
    assert comment.body == "Thank you, this was really helpful.\nI have had back pain for years."
    assert comment.created_at.isoformat() == "2022-09-20T17:30:00+00:00"

    response = client.get("/blog/acupuncture-for-low-back-pain/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cherkin DC" in page
    # The imported comment is shown to patients under the article, with its author's name.
    assert "I have had back pain for years." in page and "Margaret" in page
    assert client.get("/blog/dry-needling-how-it-differs/").status_code == 404

    for old, new in [
        ("/2022/09/acupuncture-for-low-back-pain.html", "/blog/acupuncture-for-low-back-pain/"),
        ("/2022/09/acupuncture-for-low-back-pain.html?m=1", "/blog/acupuncture-for-low-back-pain/"),
        ("/p/back-pain.html", "/conditions/back-pain/"),
        ("/search/label/Back%20Pain", "/blog/tag/back-pain/"),
        ("/search/label/Back%20Pain?m=1", "/blog/tag/back-pain/"),
        ("/2022/09/", "/blog/2022/09/"),
        ("/2022/", "/blog/2022/"),
        ("/feeds/posts/default", "/feed/atom/"),
        ("/feeds/posts/default?alt=rss", "/feed/atom/"),
        ("/feeds/posts/default/-/Back%20Pain", "/blog/tag/back-pain/feed/atom/"),
        ("/feeds/1001/comments/default", "/blog/acupuncture-for-low-back-pain/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get("/2021/01/old-opening-hours.html").status_code == 404


def test_second_import_changes_nothing(demo, takeout, django_assert_max_num_queries):
    importer.run(takeout, NO_IMAGES)
    before = state()
    plan = importer.plan(takeout, NO_IMAGES)
    assert {row.action for row in plan.rows} == {
        "unchanged",
        "skip",
        "skip (deleted on the old site)",
    }
    importer.run(takeout, NO_IMAGES)
    assert state() == before


def test_newer_export_updates_changed_posts_and_leaves_pages_edited_here(demo, export_file):
    importer.run(export_file(exports.blogger_takeout()), NO_IMAGES)
    edited = Post.objects.get(slug="acupuncture-for-low-back-pain")
    edited.body += "\n\nA paragraph written here."
    edited.save()
    newer = exports.blogger_takeout(teaser_title="Can acupuncture ease stress?").replace(
        "This article sets out", "This article explains"
    )
    plan = importer.plan(export_file(newer, "newer.atom"), NO_IMAGES)
    actions = {row.title: row.action for row in plan.rows}
    assert actions["Acupuncture for low back pain: what the evidence says"] == (
        "left alone (edited here since the last import)"
    )
    assert actions["Can acupuncture ease stress?"] == "update"
    importer.run(export_file(newer, "newer.atom"), NO_IMAGES)
    edited.refresh_from_db()
    assert "A paragraph written here." in edited.body and "explains" not in edited.body
    assert (
        Post.objects.get(slug="can-acupuncture-help-with-stress-2").title
        == "Can acupuncture ease stress?"
    )


def test_wordpress_export(wxr, client):
    importer.run(wxr, NO_IMAGES)
    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert post.author.name == "Helen Marsh"  # the channel's display name, not the log-in
    assert sorted(post.tags.values_list("name", flat=True)) == ["Acupuncture", "Back Pain"]
    assert [link.reference.doi.lower() for link in post.reference_links.all()] == [
        "10.1001/archinternmed.2009.65",
        "10.1002/14651858.cd001351.pub2",
    ]
    assert "[@" in post.body and "wp:" not in post.body
    # Only the approved comment; pending and spam ones are never published (nor stored).
    assert list(Comment.objects.values_list("author_name", "status")) == [("Margaret", "approved")]
    draft = Post.objects.get(title="Dry needling: how it differs")
    assert draft.status == Status.DRAFT and draft.slug == "dry-needling-how-it-differs"
    # Terms no imported post uses are not created; attachments are not content.
    assert not Tag.objects.filter(name__in=["Unused tag", "needles"]).exists()
    assert not Post.objects.filter(title="needles").exists()
    back_pain = Condition.objects.get(slug="back-pain")
    assert back_pain.status == Status.PUBLISHED
    assert back_pain.reference_links.count() == 3
    for old, new in [
        ("/2022/09/15/acupuncture-for-low-back-pain/", "/blog/acupuncture-for-low-back-pain/"),
        ("/?p=11", "/blog/acupuncture-for-low-back-pain/"),
        ("/back-pain/", "/conditions/back-pain/"),
        ("/category/back-pain/", "/blog/tag/back-pain/"),
        ("/tag/acupuncture/", "/blog/tag/acupuncture/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old


def test_as_drafts_and_author_options(takeout):
    importer.run(takeout, importer.Options(as_drafts=True, author="Dr Ann Lee", fetch_images=False))
    assert set(Post.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert set(Post.objects.values_list("author__name", flat=True)) == {"Ann Lee"}
    assert Practitioner.objects.count() == 1


def test_a_bad_file_imports_nothing_even_after_good_items(export_file, demo):
    text = exports.blogger_takeout()
    broken = export_file(text[: text.index("</feed>")])  # whole items, then the end is missing
    with pytest.raises(CommandError, match="incomplete"):
        call_command("import_blog", str(broken), "--skip-images")
    assert not ImportedItem.objects.exists() and not Redirect.objects.exists()


def test_command_dry_run_writes_nothing_and_help_states_defaults(takeout, capsys):
    call_command("import_blog", str(takeout), "--dry-run", "--skip-images")
    out = capsys.readouterr().out
    assert "Acupuncture for low back pain: what the evidence says → create" in out
    assert "references: 2 (0 in the library)" in out
    assert "Dry run: nothing was written." in out
    assert not Post.objects.exists()
    from clinic.migration.management.commands.import_blog import Command

    assert "MERGED into it, which never loses either text" in Command.help
