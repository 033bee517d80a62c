"""Issue 14's "Done when", in Chromium: the clinic's own five reference strings pasted as they
stand, corrected in place, completed from (a local stand-in for) PubMed, imported, cited and
published; then a practitioner's change to a reference that a live page cites waits for an
editor instead of reaching the page."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from blog.models import Post
from clinic.management.commands.load_demo import REFERENCES
from clinic.models import Reference
from tests.browser.conftest import admin_login
from tests.browser.test_editor import choose_autocomplete
from tests.fake_services import fake_services  # noqa: F401 (a fixture)
from tests.personas import PASSWORD
from tests.samples import CLINIC_PAGE_REFERENCES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIVE = CLINIC_PAGE_REFERENCES

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def violations(page):
    results = Axe().run(page)
    return [
        f"{item['id']}: {item['help']} ({[node['target'] for node in item['nodes']][:3]})"
        for item in results.response["violations"]
    ]


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def rows_as_read(page):
    """Each preview row: its fields, which are marked to check, ticked or not, duplicate of."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table.import-preview > tbody > tr')].map(tr => ({
            fields: Object.fromEntries([...tr.querySelectorAll('.import-field')].map(f => [
                f.querySelector('input, textarea').name.split('-').slice(1).join('-'),
                f.querySelector('input, textarea').value])),
            doubts: [...tr.querySelectorAll('.import-field.doubt')].map(
                f => f.querySelector('input, textarea').name.split('-').slice(1).join('-')),
            ticked: tr.querySelector('input[name=chosen]').checked,
            duplicate: tr.querySelector('.duplicate a')?.textContent || '',
        }))"""
    )


def test_paste_correct_complete_import_cite_publish_then_changes_wait(
    browser,
    page,
    phone,
    live_server,
    personas,
    fake_services,  # noqa: F811
):
    for item in REFERENCES:  # the two the library already holds
        if item["id"] in {"cherkin2009", "furlan2005"}:
            Reference.from_csl(item).save()

    # 1. A practitioner pastes the five strings into the import page.
    admin_login(page, live_server, "practitioner", PASSWORD)
    page.goto(f"{live_server.url}/admin/clinic/reference/import/")
    page.get_by_label("Paste references").fill(FIVE)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Check what was read (plain text)")).to_be_visible()
    rows = rows_as_read(page)
    # Five references on five lines, the last holding two run together: five rows, six once the
    # parser splits that last line.
    assert len(rows) in (5, 6), rows

    # The two already in the library are recognised, whatever the parser made of them.
    assert sorted(row["duplicate"] for row in rows if row["duplicate"]) == [
        "cherkin2009",
        "furlan2005",
    ]
    # Nothing doubtful is offered ticked: every new row is either flagged or ticked, never a
    # silent import of something misread (the two misread rows were ticked).
    for row in rows:
        if row["duplicate"]:
            assert not row["ticked"]
        elif row["ticked"]:
            assert not row["doubts"], row
        else:
            assert row["doubts"], row
    # The first string's fields are right or marked to check. Its title is not in the string,
    # so whatever stands there (nothing, or a misreading) is marked.
    first = rows[0]
    right = {
        "authors": lambda v: v.startswith("Clemente Fuentes, R"),
        "container_title": lambda v: v.lower().startswith(("can fam physician", "canadian family")),
        "year": lambda v: v == "2020",
        "volume": lambda v: v == "66",
        "issue": lambda v: v == "3",
        "pages": lambda v: v == "186-187",
        "title": lambda v: False,
    }
    for name, is_right in right.items():
        assert is_right(first["fields"][name]) or name in first["doubts"], (name, first)
    # A row found in the library shows the library's record, to compare with what was pasted.
    expect(page.locator("tr:has(.duplicate a:text('cherkin2009')) .formatted")).to_contain_text(
        "In the library: Cherkin DC"
    )
    assert violations(page) == []
    shot(page, "import-preview-1280")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone_admin = phone_context.new_page()
    admin_login(phone_admin, live_server, "practitioner", PASSWORD)
    phone_admin.goto(f"{live_server.url}/admin/clinic/reference/import/")
    phone_admin.get_by_label("Paste references").fill(FIVE)
    phone_admin.get_by_role("button", name="Preview").click()
    assert phone_admin.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(phone_admin) == []
    shot(phone_admin, "import-preview-390")
    phone_context.close()

    # 2. They correct the first row in place (no JavaScript needed: plain form fields).
    page.get_by_label("Authors (one a line)").first.fill("Clemente Fuentes, R")
    page.locator("#r1-title").fill("")
    page.locator("#r1-container_title").fill("Can Fam Physician")
    for name, value in {
        "year": "2020",
        "volume": "66",
        "issue": "3",
        "pages": "186-187",
        "article_number": "",
    }.items():
        page.locator(f"#r1-{name}").fill(value)

    # 3. "Complete" finds the missing title (ECitMatch, then esummary, on the local server).
    page.get_by_role("button", name="Complete reference 1 from PubMed / Crossref").click()
    shot(page, "import-completed-1280")
    expect(page.locator("#reference-1 .completion-source")).to_contain_text(
        "Found in PubMed, by Can Fam Physician 2020;66:186 → PMID 32165464"
    )
    use_title = page.get_by_label("Use PubMed's title: Acupuncture for low back pain")
    expect(page.get_by_label("Use PubMed's PMID: 32165464")).to_be_checked()
    expect(use_title).to_be_checked()  # the field was empty: ticked for them
    assert [path for path, _ in fake_services.requests] == [
        "/eutils/ecitmatch.cgi",
        "/eutils/esummary.fcgi",
    ]
    assert violations(page) == []
    page.get_by_role("button", name="Check again", exact=True).click()
    expect(page.locator("#r1-title")).to_have_value("Acupuncture for low back pain")
    expect(page.locator("#reference-1 .import-field-title")).not_to_have_class("doubt")
    page.get_by_label("Import reference 1").check()
    page.get_by_role("button", name="Import selected references").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported 1 reference. Cite them as [@clementefuentes2020]."
    )
    imported = Reference.objects.get(key="clementefuentes2020")
    assert imported.title == "Acupuncture for low back pain"
    assert imported.authors[0]["family"] == "Clemente Fuentes"
    assert (imported.volume, imported.pages, imported.year) == ("66", "186-187", 2020)
    assert imported.created_by == personas.practitioner_user
    assert Reference.objects.count() == 3  # nothing else was imported

    # 4. They cite it and the library's own cherkin2009 in an article, and submit it.
    page.goto(f"{live_server.url}/admin/blog/post/add/")
    page.get_by_label("Title:").press_sequentially("Acupuncture and back pain")
    page.locator("#id_body").fill(
        "A review [@clementefuentes2020] and a trial [@cherkin2009] say much the same."
    )
    page.get_by_role("button", name="Add another reference").click()
    choose_autocomplete(page, "#id_reference_links-0-reference", "clemente", "clementefuentes2020")
    page.get_by_role("button", name="Add another reference").click()
    choose_autocomplete(page, "#id_reference_links-1-reference", "cherkin", "cherkin2009")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.get_by_role("button", name="Submit for review").click()
    post = Post.objects.get(slug="acupuncture-and-back-pain")

    # 5. An editor publishes it.
    editor_context = browser.new_context()
    editor = editor_context.new_page()
    admin_login(editor, live_server, "editor", PASSWORD)
    editor.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messagelist")).to_contain_text("Approved")
    phone.goto(f"{live_server.url}/blog/acupuncture-and-back-pain/")
    expect(phone.locator("ol.references > li").first).to_contain_text(
        "Clemente Fuentes R. Acupuncture for low back pain."
    )

    # 6. The practitioner's change to the cited reference goes to an editor, not onto the page.
    page.goto(f"{live_server.url}{imported.get_admin_url()}")
    expect(page.locator(".reference-panel")).to_contain_text(
        "a change you save waits for an editor"
    )
    expect(page.locator("#id_key")).to_have_count(0)  # the key of a cited reference is fixed
    page.locator("#id_title").fill("Acupuncture cures low back pain")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Your change to clementefuentes2020 waits for an editor"
    )
    expect(page.locator(".pending-change")).to_contain_text("Acupuncture cures low back pain")
    # Read-only while it waits: the authors are a list of names, not the stored JSON.
    expect(page.locator("ol.author-list > li").first).to_have_text("Clemente Fuentes, R")
    expect(page.locator("#content-main")).not_to_contain_text('"family"')
    assert violations(page) == []
    shot(page, "reference-pending-1280")
    phone.goto(f"{live_server.url}/blog/acupuncture-and-back-pain/")
    expect(phone.locator("ol.references")).to_contain_text("Acupuncture for low back pain.")
    expect(phone.locator("ol.references")).not_to_contain_text("cures")
    imported.refresh_from_db()
    assert imported.title == "Acupuncture for low back pain"

    # The editor sees the waiting change beside the record and refuses it, with a reason.
    editor.goto(f"{live_server.url}{imported.get_admin_url()}")
    expect(editor.locator(".pending-change")).to_contain_text("Acupuncture cures low back pain")
    editor.get_by_label("Why it is refused (required)").fill("The review does not say so.")
    editor.get_by_role("button", name="Refuse the change").click()
    expect(editor.locator(".messagelist")).to_contain_text("was refused")
    editor_context.close()
    imported.refresh_from_db()
    assert (imported.title, imported.pending) == ("Acupuncture for low back pain", {})


def test_complete_a_reference_from_its_page(browser, live_server, personas, fake_services):  # noqa: F811
    reference = Reference.from_csl(
        {"title": "Acupuncture trial", "author": [{"family": "Cherkin", "given": "DC"}],
         "PMID": "19433697", "issued": {"date-parts": [[2009]]}}
    )  # fmt: skip
    reference.save()
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        admin_login(page, live_server, "practitioner", PASSWORD)
        page.goto(f"{live_server.url}{reference.get_admin_url()}")
        page.get_by_role("button", name="Complete this reference from PubMed / Crossref").click()
        expect(page.locator("#content-main")).to_contain_text("Found in PubMed, by PMID 19433697")
        expect(page.get_by_label("Journal or book")).to_be_checked()  # empty now: ticked
        expect(page.get_by_label("Title")).not_to_be_checked()  # differs: their choice
        assert violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"reference-complete-{width}")
        context.close()
    page = browser.new_page()
    admin_login(page, live_server, "practitioner", PASSWORD)
    page.goto(f"{live_server.url}{reference.get_admin_url()}")
    page.get_by_role("button", name="Complete this reference from PubMed / Crossref").click()
    page.get_by_label("Title").check()
    page.get_by_role("button", name="Use the ticked values").click()
    expect(page.locator(".messagelist")).to_contain_text("was completed")
    reference.refresh_from_db()
    assert reference.title.startswith("A randomized trial comparing acupuncture")
    assert reference.container_title == "Archives of internal medicine"
    assert reference.doi == "10.1001/archinternmed.2009.65"
    page.close()
