"""Issue 15 in Chromium: a practitioner writes, cites, adds a photo, loses the tab, restores,
submits and finds the page in review; the editor sees the checks in the queue and publishes.

At 1280 px (text and preview side by side) and at 390 px (Write / Preview switch), mostly by
keyboard, with axe-core on every admin page on the way.
"""

import base64
import gzip
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from blog.models import Post
from clinic.bench.page_weight import noisy_photo
from clinic.pages.publishing import Status
from tests import factories
from tests.browser.conftest import admin_login
from tests.browser.test_security import DROP_FILE, serve_media
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_problems(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{item['id']}: {item['help']} ({[node['target'] for node in item['nodes']][:3]})"
        for item in results.response["violations"]
    ]


def page_weight(context, url) -> tuple[int, dict]:
    """Bytes a browser fetches for a page: text compressed as the production server sends it
    (gzip), images as stored."""
    page = context.new_page()
    sizes = {}

    def count(response):
        body = response.body()
        kind = response.headers.get("content-type", "")
        text = kind.startswith(("text/", "application/javascript", "application/json"))
        sizes[response.url] = len(gzip.compress(body)) if text else len(body)

    page.on("response", count)
    page.goto(url, wait_until="networkidle")
    page.close()
    return sum(sizes.values()), sizes


def cite(page, search):
    """Choose a reference in the citation picker, by keyboard."""
    dialog = page.get_by_role("dialog", name="Cite a reference")
    expect(dialog).to_be_visible()
    page.keyboard.type(search)
    expect(dialog.locator(".picker-choice").first).to_contain_text(search, ignore_case=True)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)


def press(locator, key="Enter"):
    """Activate a control by keyboard."""
    locator.focus()
    locator.press(key)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_write_cite_restore_submit_and_publish(browser, live_server, personas, settings, viewport):
    factories.ReferenceFactory(
        key="cherkin2009",
        title="A randomized trial comparing acupuncture and usual care for low back pain",
        authors=[{"family": "Cherkin", "given": "DC"}],
        year=2009,
    )
    factories.ReferenceFactory(
        key="linde2016",
        title="Acupuncture for the prevention of episodic migraine",
        authors=[{"family": "Linde", "given": "K"}],
        year=2016,
    )
    factories.ReferenceFactory(
        key="furlan2005",
        title="Acupuncture and dry-needling for low back pain",
        authors=[{"family": "Furlan", "given": "AD"}],
        year=2005,
    )
    phone = viewport["width"] < 1000
    problems = {}
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    serve_media(page, settings)
    admin_login(page, live_server, "practitioner", PASSWORD)

    add_url = f"{live_server.url}/admin/blog/post/add/"
    page.goto(add_url)
    page.get_by_label("Title:").fill("Needles and nerves")
    body = page.locator("#id_body")
    body.focus()

    # The toolbar's shortcuts: a heading, bold text.
    page.keyboard.type("How it works")
    page.keyboard.press("Control+Alt+2")
    expect(body).to_have_value("## How it works")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Fine needles stimulate nerves, and the body releases ")
    page.keyboard.press("Control+b")
    page.keyboard.type("its own painkillers")
    page.keyboard.press("End")
    page.keyboard.type(" ")
    # Three citations from the library: by shortcut, by the toolbar (Shift+Tab reaches it, End
    # moves to its last button), and by a year.
    page.keyboard.press("Control+Shift+E")
    cite(page, "cherkin")
    page.keyboard.type(". Most people feel little or nothing ")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("toolbar").get_by_role("button").first).to_be_focused()
    page.keyboard.press("End")
    expect(page.get_by_role("button", name="Cite a reference")).to_be_focused()
    page.keyboard.press("Enter")
    cite(page, "migraine")
    page.keyboard.type(". A review agreed ")
    press(page.get_by_role("button", name="Cite a reference"))
    cite(page, "2005")
    page.keyboard.type(".\n\nA study found that 40% of people slept better.\n\n")
    expect(body).to_have_value(
        re.compile(
            r"^## How it works\n\nFine needles stimulate nerves, and the body releases "
            r"\*\*its own painkillers\*\* \[@cherkin2009\]\. Most people feel little or nothing "
            r"\[@linde2016\]\. A review agreed \[@furlan2005\]\.\n\nA study found"
        )
    )

    # The preview: beside the text at 1280 px, behind the Write / Preview switch on a phone.
    preview = page.locator(".markdownx-preview").first
    if phone:
        expect(preview).to_be_hidden()
        press(page.get_by_role("button", name="Preview", exact=True))
        expect(body).to_be_hidden()
    # (The first preview of a process loads textstat's pronouncing dictionary: allow for it.)
    expect(preview.locator("h2")).to_have_text("How it works", timeout=30_000)
    expect(preview.locator("sup.citation a")).to_have_text(["1", "2", "3"])
    if not phone:
        text_box, preview_box = body.bounding_box(), preview.bounding_box()
        assert preview_box["x"] >= text_box["x"] + text_box["width"] - 1
        assert abs(preview_box["y"] - text_box["y"]) < 20
        assert text_box["y"] + 200 < viewport["height"] or body.evaluate(
            "(el) => { el.scrollIntoView(); return true; }"
        )
    # Focusing a citation shows its reference.
    preview.locator("sup.citation a").first.focus()
    expect(page.get_by_role("tooltip")).to_contain_text("Cherkin")
    page.keyboard.press("Escape")
    if phone:
        press(page.get_by_role("button", name="Write", exact=True))
        expect(body).to_be_visible()

    # Word count and readability change as they type.
    stats = page.locator(".writing-stats").first
    expect(stats).to_contain_text("Reading ease")
    before = stats.inner_text()
    body.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("It can help with pain in the back and neck. ")
    expect(stats).not_to_have_text(before)
    words = lambda text: int(re.search(r"(\d+) words", text).group(1))  # noqa: E731
    assert words(stats.inner_text()) > words(before)
    expect(page.locator(".writing-findings").first).to_contain_text("without a citation")

    # A photo dragged in is uploaded, and the editor asks what it shows.
    page.evaluate(
        DROP_FILE,
        ["#id_body", "IMG_2041.JPG", "image/jpeg", base64.b64encode(noisy_photo()).decode()],
    )
    dialog = page.get_by_role("dialog", name="Describe this image")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("What does it show?")).to_be_focused()
    page.keyboard.type("Fine needles in the lower back, seen from behind")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(body).to_have_value(
        re.compile(
            r"!\[Fine needles in the lower back, seen from behind\]"
            r"\(/media/uploads/\w+-1600w\.jpg\)"
        )
    )
    written = body.input_value()
    if problems_here := axe_problems(page):
        problems["add page while writing"] = problems_here

    # Autosave, then the tab is closed; reopening offers the text back.
    expect(page.locator(".autosave-status")).to_contain_text("kept as a draft copy")
    page.close()
    page = context.new_page()
    page.bring_to_front()  # the tab that keyboard focus goes to, as a reopened tab would be
    page.set_default_timeout(15_000)
    serve_media(page, settings)
    page.goto(add_url)
    offer = page.get_by_role("region", name=re.compile("Restore your unsaved changes from"))
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("A study found that 40% of people slept better.")
    restore = offer.get_by_role("button", name="Restore them")
    expect(restore).to_be_focused()
    if problems_here := axe_problems(page):
        problems["add page offering to restore"] = problems_here
    page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_have_value(written)
    expect(page.get_by_label("Title:")).to_have_value("Needles and nerves")

    # Save: the cited references are attached; the checks are shown again before submitting.
    press(page.get_by_role("button", name="Save and continue editing"))
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text(
        "Attached the references you cited: @cherkin2009, @furlan2005, @linde2016."
    )
    checks = page.locator(".workflow-panel .writing-checks-saved")
    expect(checks).to_contain_text("Before you submit")
    expect(checks).to_contain_text("without a citation")
    if problems_here := axe_problems(page):
        problems["change page"] = problems_here
    press(page.get_by_role("button", name="Submit for review"))
    expect(messages).to_contain_text("Submitted for review.")

    # Their admin home lists the page as in review.
    page.goto(f"{live_server.url}/admin/")
    in_review = page.get_by_role("region", name=re.compile("Your pages in review"))
    expect(in_review.get_by_role("link", name="Needles and nerves")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if problems_here := axe_problems(page):
        problems["practitioner home"] = problems_here
    context.close()

    # The editor sees the checks in the queue and publishes.
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, live_server, "editor", PASSWORD)
    queue = page.get_by_role("region", name=re.compile("Waiting for your review"))
    expect(queue.get_by_role("link", name="Needles and nerves")).to_be_visible()
    if problems_here := axe_problems(page):
        problems["editor home"] = problems_here
    page.goto(f"{live_server.url}/admin/review-queue/")
    item = page.locator(".queue-item", has_text="Needles and nerves")
    expect(item.locator(".writing-checks-saved")).to_contain_text("1 thing to check")
    expect(item.locator(".writing-checks-saved")).to_contain_text("without a citation")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if problems_here := axe_problems(page):
        problems["review queue"] = problems_here
    press(item.get_by_role("link", name="Review it"))
    press(page.get_by_role("button", name="Approve and publish"))
    expect(page.locator(".messagelist")).to_contain_text("Approved: the page is live.")
    context.close()

    post = Post.objects.get(slug="needles-and-nerves")
    assert post.status == Status.PUBLISHED
    assert [link.reference.key for link in post.reference_links.all()] == [
        "cherkin2009",
        "furlan2005",
        "linde2016",
    ]
    assert re.search(
        r'<picture><source type="image/webp" srcset="[^"]+-480w\.webp 480w, [^"]+-720w\.webp '
        r'720w, [^"]+-960w\.webp 960w, [^"]+-1600w\.webp 1600w" sizes="[^"]+">'
        r'<img src="[^"]+-1600w\.jpg" srcset="[^"]+" sizes="[^"]+" width="1600" height="1200" '
        r'alt="Fine needles in the lower back, seen from behind" loading="eager"',
        post.body_html,
    ), post.body_html

    if phone:
        # The published article with its photo (a noisy one, harder to compress than real
        # photos), on phones with 1, 2 and 3 device pixels per CSS pixel: under 60 KB in all.
        # 3x screens take the 2x copy (clinic.lib.images.COLUMN_SIZES).
        for density, rendition in ((1, "-480w.webp"), (2, "-720w.webp"), (3, "-720w.webp")):
            reader = browser.new_context(
                viewport=viewport, device_scale_factor=density, is_mobile=True, has_touch=True
            )
            serve_media(reader, settings)
            total, sizes = page_weight(reader, f"{live_server.url}{post.get_absolute_url()}")
            reader.close()
            images = {url: size for url, size in sizes.items() if "/media/" in url}
            assert len(images) == 1 and next(iter(images)).endswith(rendition), (density, sizes)
            print(f"Article with one photo on a 390 px phone at {density}x: {total:,} bytes", sizes)
            assert total < 60 * 1024, (density, sizes)
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


ADD_PAGES = {
    "article": "/admin/blog/post/add/",
    "condition page": "/admin/conditions/condition/add/",
    "reference": "/admin/clinic/reference/add/",
    "practitioner": "/admin/clinic/practitioner/add/",
}


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_add_pages_pass_axe_and_fit(browser, live_server, personas, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    admin_login(page, live_server, "editor", PASSWORD)
    found = {}
    for name, path in ADD_PAGES.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content h1")).to_be_visible()
        if problems := axe_problems(page):
            found[name] = problems
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            found[f"{name} width"] = width
    context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_admin_pages_fit_a_phone(browser, live_server, personas):
    """The whole admin fits 390 px: history and its compare view, the import preview, lists."""
    post = factories.PostFactory(author=personas.practitioner, body="First version of the text.")
    context = browser.new_context(viewport=WIDTHS["phone"])
    page = context.new_page()
    admin_login(page, live_server, "editor", PASSWORD)
    change = f"{live_server.url}/admin/blog/post/{post.pk}/change/"
    page.goto(change)
    page.locator("#id_body").fill("A much longer second version of the text. " * 12)
    press(page.get_by_role("button", name="Save and continue editing"))
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    too_wide, found = {}, {}
    pages = {
        "home": "/admin/",
        "articles": "/admin/blog/post/",
        "article": f"/admin/blog/post/{post.pk}/change/",
        "history": f"/admin/blog/post/{post.pk}/history/",
        "compare": f"/admin/blog/post/{post.pk}/history/compare/",
        "references": "/admin/clinic/reference/",
        "review queue": "/admin/review-queue/",
        "review dates": "/admin/review-dates/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 390:
            too_wide[name] = width
        if problems := axe_problems(page):
            found[name] = problems
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_server.url}/admin/clinic/reference/import/")
    page.locator("textarea").first.fill(
        "Vickers AJ, Vertosick EA, Lewith G, et al. Acupuncture for chronic pain: update of an "
        "individual patient data meta-analysis. J Pain. 2018;19(5):455-474. "
        "doi:10.1016/j.jpain.2017.11.005"
    )
    page.locator("textarea").first.press("Tab")
    page.locator("#content form [type=submit]").last.click()
    expect(page.locator(".import-preview")).to_be_visible()
    if (width := page.evaluate("document.documentElement.scrollWidth")) > 390:
        too_wide["import preview"] = width
    context.close()
    assert too_wide == {}
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_text_box_works_without_javascript(browser, live_server, personas):
    context = browser.new_context(java_script_enabled=False, viewport=WIDTHS["phone"])
    page = context.new_page()
    admin_login(page, live_server, "practitioner", PASSWORD)
    page.goto(f"{live_server.url}/admin/blog/post/add/")
    expect(page.get_by_role("toolbar")).to_have_count(0)
    expect(page.locator(".markdownx-preview")).to_be_hidden()
    page.get_by_label("Title:").fill("Plain text")
    page.get_by_label("Slug:").fill("plain-text")
    page.get_by_label("Body:").fill("## Works\n\nWithout any script.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert Post.objects.get(slug="plain-text").body_html.startswith('<h2 id="works"')
