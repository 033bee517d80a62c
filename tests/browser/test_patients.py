"""What a patient meets in Chromium: accessibility (axe-core), the printed leaflet, the journey.

axe-core comes bundled with axe-playwright-python (no network). Every public page type and the
admin's article editor must have zero violations.
"""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from blog.models import Post
from tests.browser.conftest import admin_login
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "acupuncture-for-low-back-pain-what-the-evidence-says"


@pytest.fixture
def demo(roles, clinic):
    personas = make_personas()
    call_command("load_demo", no_accounts=True)
    return personas


def public_pages():
    post = Post.objects.get(slug=ARTICLE)
    return {
        "home": "/",
        "blog index": "/blog/",
        "article": post.get_absolute_url(),
        "tag": "/blog/tag/pain/",
        "archive": f"/blog/{post.published_at.year}/",
        "conditions A-Z": "/conditions/",
        "condition": "/conditions/back-pain/",
        "search": "/search/?q=lumbago",
        "no results": "/search/?q=zzzz",
        "profile": post.author.get_absolute_url(),
        "404": "/no-such-page/",
    }


def violations(page):
    results = Axe().run(page)
    return [
        f"{item['id']}: {item['help']} ({[node['target'] for node in item['nodes']][:3]})"
        for item in results.response["violations"]
    ]


def test_axe_finds_nothing_on_any_page_type(browser, page, phone, live_server, demo):
    found = {}
    for name, path in public_pages().items():
        for viewport in (page, phone):
            viewport.goto(f"{live_server.url}{path}")
            problems = violations(viewport)
            if problems:
                found[f"{name} ({viewport.viewport_size['width']} px)"] = problems
    admin_login(page, live_server, "admin", PASSWORD)
    post = Post.objects.get(slug=ARTICLE)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    if problems := violations(page):
        found["admin post editor"] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_condition_page_prints_as_a_leaflet(page, live_server, demo):
    page.goto(f"{live_server.url}/conditions/back-pain/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=False)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Back pain" in flat
    assert "Call 999 or go to A&E now if" in flat
    assert "References" in flat
    assert "https://doi.org/" in flat  # link addresses are printed
    assert "Skip to main content" not in flat
    assert "On this page" not in flat
    assert "Search conditions" not in flat


def test_patient_finds_back_pain_by_lumbago_on_a_phone(phone, live_server, demo):
    phone.goto(f"{live_server.url}/")
    phone.get_by_label("Search conditions and articles").fill("lumbago")
    phone.get_by_label("Search conditions and articles").press("Enter")
    phone.wait_for_url("**/search/?q=lumbago")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("lumbago")
    phone.get_by_role("link", name="Back pain", exact=True).first.click()
    phone.wait_for_url("**/conditions/back-pain/")
    expect(phone.locator(".callout-emergency .callout-title")).to_have_text(
        "Call 999 or go to A&E now if"
    )
    expect(phone.locator(".callout-emergency")).to_be_visible()
    expect(phone.locator(".references li").first).to_be_visible()
    # Nothing sideways: the page fits the phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    related = phone.locator("#related-heading ~ .teaser a").first
    related.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("back pain")
    expect(phone.locator("script[type='application/ld+json']")).to_have_count(1)


def test_keyboard_reaches_search_and_skip_link_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/conditions/back-pain/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    # The jump to #main is a navigation of its own: wait for it rather than read the URL at once.
    expect(page).to_have_url(re.compile(r"/conditions/back-pain/#main$"))
    page.goto(f"{live_server.url}/")
    page.locator("#header-q").fill("back pain")
    page.locator("#header-q").press("Enter")
    page.wait_for_url("**/search/?q=back+pain")
    expect(page.locator(".result-title").first).to_have_text("Back pain")
    context.close()


def test_text_at_200_percent_fits_a_phone(browser, live_server, demo):
    """WCAG 1.4.4 / 1.4.10: text enlarged to 200 % and more still fits a 390 px screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    too_wide = {}
    for name, path in public_pages().items():
        page.goto(f"{live_server.url}{path}")
        page.add_style_tag(content="html { font-size: 225% !important; }")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
    context.close()
    assert too_wide == {}


def test_patient_pages_through_search_results_on_a_phone_without_javascript(
    browser, live_server, demo
):
    """Ten results a page: "More results" and "Previous results" are plain links, the list
    numbers go on, axe finds nothing on a later page, and nothing is wider than the phone."""
    from tests import factories

    for n in range(13):
        factories.PostFactory(title=f"Moxibustion and warmth, part {n + 1}")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.locator("#header-q").fill("moxibustion")
    page.locator("#header-q").press("Enter")
    page.wait_for_url("**/search/?q=moxibustion")
    expect(page.locator(".result-count")).to_have_text("Results 1\u201310")
    expect(page.locator(".result-title")).to_have_count(10)
    page.get_by_role("link", name="More results").click()
    page.wait_for_url("**/search/?q=moxibustion&page=2")
    expect(page.locator(".result-count")).to_have_text("Results 11\u201313")
    expect(page.locator(".result-title")).to_have_count(3)
    expect(page.locator("ol.results")).to_have_attribute("start", "11")
    expect(page.get_by_role("link", name="More results")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    phone.goto(f"{live_server.url}/search/?q=moxibustion&page=2")
    assert violations(phone) == []
    phone.get_by_role("link", name="Previous results").click()
    phone.wait_for_url("**/search/?q=moxibustion")
    expect(phone.locator(".result-title")).to_have_count(10)
    phone.context.close()
