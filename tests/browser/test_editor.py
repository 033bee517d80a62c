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


LONG = (
    "Acupuncture for chronic low back pain was compared with usual care in a large randomised "
    "trial of patients in general practice [@cherkin2009], and those given needles **reported "
    "less pain** after a year than those who were given the usual advice and medicines alone."
)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_longest_sentences_are_marked_in_the_preview(browser, live_server, personas, width):
    """A sentence the checks call too long is highlighted in the preview, across bold text and
    a citation, reachable by keyboard from the checks list and with Tab, and passes axe."""
    from axe_playwright_python.sync_playwright import Axe

    factories.ReferenceFactory(key="cherkin2009", title="Acupuncture for chronic low back pain")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, live_server, "practitioner", PASSWORD)
    page.goto(f"{live_server.url}/admin/blog/post/add/")
    page.locator("#id_body").fill(f"Short one. {LONG} Another short one.\n\nA second paragraph.")

    # From the checks list, by keyboard: "In preview" shows the preview and focuses the mark.
    page.locator(".longest-sentences summary").first.press("Enter")
    show = page.get_by_role("button", name="Show this sentence in the preview")
    expect(show).to_have_count(1)  # only the sentence over 25 words
    show.focus()
    show.press("Enter")
    mark = page.locator(".markdownx-preview mark.long-sentence")
    expect(mark).to_be_focused()
    expect(mark).to_have_count(1)
    assert mark.evaluate("m => m.textContent") == (
        "Long sentence, 42 words: Acupuncture for chronic low back pain was compared with usual "
        "care in a large randomised trial of patients in general practice [1], and those given "
        "needles reported less pain after a year than those who were given the usual advice and "
        "medicines alone."
    )
    expect(mark.locator("strong")).to_have_text("reported less pain")
    expect(mark.locator("sup.citation a")).to_have_text("1")
    # The short sentences around it are not marked.
    expect(page.locator(".markdownx-preview p").first).to_contain_text("Short one.")
    assert mark.evaluate("m => m.previousSibling.textContent") == "Short one. "

    # With Tab too: the mark is a stop of its own, a few after the text box (or, on a phone
    # showing the preview, after the Write / Preview switch).
    if width > 1000:
        page.locator("#id_body").focus()
    else:
        page.get_by_role("button", name="Preview", exact=True).focus()
    passed = []
    for _ in range(4):
        page.keyboard.press("Tab")
        if mark.evaluate("m => m === document.activeElement"):
            break
        passed.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    expect(mark).to_be_focused()
    # Only the preview box itself (a scrollable region) comes between.
    assert passed[-1].startswith('<div class="markdownx-preview"'), passed
    problems = Axe().run(page, context=".markdownx-preview").response["violations"]
    assert problems == [], problems
    # The editor autosaves 3 s after typing: that request must be answered before the test
    # database is flushed under the live server (on PostgreSQL it came during the flush: a
    # deadlock, and the next case's set-up failed), as in test_security's editor test.
    expect(page.locator(".autosave-status")).to_contain_text("kept as a draft copy", timeout=15_000)
    context.close()
