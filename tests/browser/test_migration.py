"""An editor moves the clinic's Blogger (then WordPress) site in through the admin, in Chromium.

The export is built from the clinic's own content (tests/migration/exports.py): the low back pain
post with two references, an image and a comment, the teaser post, the Back Pain page with three
references, a draft. Its images are served by a small HTTP server on 127.0.0.1.
"""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post
from clinic.migration.models import ImportedItem, Redirect
from clinic.patients.models import Comment
from conditions.models import Condition
from tests.browser.conftest import admin_login
from tests.browser.test_patients import violations
from tests.migration import exports
from tests.migration.image_server import serving
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def image_server():
    with serving() as address:
        yield address


@pytest.fixture
def clinic_site(roles, settings):
    """The demo clinic (it has "Back pain" already) and the editor, who may import."""
    settings.MIGRATION_ALLOW_PRIVATE_IMAGE_HOSTS = True
    call_command("load_demo", no_accounts=True, stdout=io.StringIO())
    personas = make_personas()
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="migration")
    )  # (a flush removed what the data migration granted)
    return personas


def import_in_browser(page, live_server, path, *, expect_unchanged=False, check_axe=False):
    page.goto(f"{live_server.url}/admin/migration/importrun/add/")
    if check_axe:
        assert violations(page) == []
    page.get_by_label("Export file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file and preview").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    if check_axe:
        assert violations(page) == []
    row = page.get_by_role("row").filter(has_text="Acupuncture for low back pain")
    expect(row).to_contain_text("unchanged" if expect_unchanged else "create")
    expect(row).to_contain_text("/blog/acupuncture-for-low-back-pain/")
    expect(row).to_contain_text("Back Pain, Acupuncture")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible(timeout=60_000)


def state():
    return (
        list(Post.objects.order_by("pk").values_list("slug", "status", "body", "updated_at")),
        list(Condition.objects.order_by("pk").values_list("slug", "pending", "updated_at")),
        sorted(Redirect.objects.values_list("old_path", "new_path")),
        list(Comment.objects.values_list("original_id", "status")),
        list(ImportedItem.objects.values_list("original_id", "updated_at")),
    )


def check_public_site(browser, live_server, old_post_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    patient = context.new_page()
    patient.goto(f"{live_server.url}/blog/acupuncture-for-low-back-pain/")
    article = patient.locator("main")
    expect(article.get_by_role("heading", level=1)).to_have_text(
        "Acupuncture for low back pain: what the evidence says"
    )
    expect(article).to_contain_text("15 September 2022")
    expect(article).to_contain_text("Helen Marsh")
    expect(article.get_by_role("link", name="Back Pain", exact=True)).to_have_attribute(
        "href", "/blog/tag/back-pain/"
    )
    expect(article.locator("sup.citation").first).to_have_text("[1]")
    references = article.locator("ol.references > li")
    expect(references).to_have_count(2)
    expect(references.first).to_contain_text("Cherkin DC")
    expect(references.nth(1)).to_contain_text("Furlan AD")
    # The patient's comment from the old blog is under the article, with its author's name.
    expect(article).to_contain_text("I have had back pain for years.")
    expect(article).to_contain_text("Margaret")
    # The Back Pain page keeps its references (the merged text waits for review).
    patient.goto(f"{live_server.url}/conditions/back-pain/")
    expect(patient.locator("main")).to_contain_text("Cherkin DC")
    # The draft stays hidden.
    response = patient.goto(f"{live_server.url}/blog/dry-needling-how-it-differs/")
    assert response.status == 404
    # Old addresses, the mobile variant included, land on the new pages.
    patient.goto(f"{live_server.url}{old_post_path}?m=1")
    assert patient.url == f"{live_server.url}/blog/acupuncture-for-low-back-pain/"
    context.close()


def test_editor_imports_the_blogger_site_twice(
    browser, page, live_server, clinic_site, image_server, tmp_path
):
    export = tmp_path / "feed.atom"
    export.write_text(exports.blogger_takeout(image_base=image_server), encoding="utf-8")
    admin_login(page, live_server, "editor", PASSWORD)
    import_in_browser(page, live_server, export, check_axe=True)

    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert "/media/imported/" in post.body and image_server not in post.body
    assert Comment.objects.approved().for_page(post).get().author_name == "Margaret"
    assert Condition.objects.get(slug="back-pain").pending["submitted_at"]
    check_public_site(browser, live_server, "/2022/09/acupuncture-for-low-back-pain.html")

    before = state()
    import_in_browser(page, live_server, export, expect_unchanged=True)
    assert state() == before


def test_editor_imports_the_wordpress_site(
    browser, page, live_server, clinic_site, image_server, tmp_path
):
    export = tmp_path / "riverside.WordPress.xml"
    export.write_text(exports.wordpress(image_base=image_server), encoding="utf-8")
    admin_login(page, live_server, "editor", PASSWORD)
    import_in_browser(page, live_server, export)
    assert list(Comment.objects.values_list("author_name", flat=True)) == ["Margaret"]
    check_public_site(browser, live_server, "/2022/09/15/acupuncture-for-low-back-pain/")
    before = state()
    import_in_browser(page, live_server, export, expect_unchanged=True)
    assert state() == before
