"""A practitioner writes an article with the live preview and a patient reads it on a phone."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests import factories
from tests.browser.conftest import admin_login
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_autocomplete(page, select, search, option):
    """Pick an option in one of the admin's autocomplete (select2) boxes, as a person would."""
    page.locator(f"{select} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_write_preview_publish_and_read_on_a_phone(page, phone, live_server, personas):
    factories.ReferenceFactory(key="cherkin2009", title="Acupuncture for chronic low back pain")
    admin_login(page, live_server, "admin", PASSWORD)

    page.goto(f"{live_server.url}/admin/blog/post/add/")
    page.get_by_label("Title:").press_sequentially("Needles and nerves")
    expect(page.locator("#id_slug")).to_have_value("needles-and-nerves")
    choose_autocomplete(page, "#id_author", "Marsh", "Dr Helen Marsh")
    editor = page.locator("#id_body")
    editor.fill("## How it works\n\nNeedles stimulate nerves [@cherkin2009].\n\n<script>x</script>")
    preview = page.locator(".markdownx-preview").first
    expect(preview.locator("h2")).to_have_text("How it works")
    expect(preview.locator("sup.citation a")).to_have_text("1")
    expect(preview.locator("script")).to_have_count(0)

    # Attach the cited reference in the inline, then publish.
    page.get_by_role("button", name="Add another reference").click()
    choose_autocomplete(page, "#id_reference_links-0-reference", "cherkin", "cherkin2009")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    # Status moves only through the workflow: an editor (here the admin) approves it.
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved: the page is live.")

    post = Post.objects.get(slug="needles-and-nerves")
    phone.goto(f"{live_server.url}{post.get_absolute_url()}")
    expect(phone.locator("h1")).to_have_text("Needles and nerves")
    expect(phone.locator(".prose h2")).to_have_text("How it works")
    expect(phone.locator("#ref-1")).to_contain_text("Acupuncture for chronic low back pain")
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
