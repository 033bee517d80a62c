"""The editorial workflow in Chromium: write, submit, send back, fix, schedule, go live."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.browser.conftest import admin_login
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(roles, clinic):
    return make_personas()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_practitioner_and_editor_take_an_article_from_draft_to_scheduled(
    browser, live_server, people
):
    author, editor, patient = new_page(browser), new_page(browser), new_page(browser)

    # The practitioner writes a draft and submits it.
    admin_login(author, live_server, "practitioner", PASSWORD)
    author.goto(f"{live_server.url}/admin/blog/post/add/")
    author.get_by_label("Title:").press_sequentially("Acupuncture and sleep")
    author.locator("#id_body").fill("Some people sleep better after treatment.")
    author.get_by_role("button", name="Save and continue editing").click()
    expect(author.locator(".workflow-status")).to_have_text("Draft")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator(".messagelist")).to_contain_text("Submitted for review")
    expect(author.locator(".workflow-status")).to_have_text("In review")
    post = Post.objects.get(slug="acupuncture-and-sleep")
    assert "For review" in mail.outbox[-1].subject

    # The editor finds it in the review queue and asks for changes.
    admin_login(editor, live_server, "editor", PASSWORD)
    editor.get_by_role("link", name="Review queue").click()
    editor.get_by_role("link", name="Review it").click()
    editor.get_by_label("Note to the author (required):").fill("Please cite the sleep trial.")
    editor.get_by_role("button", name="Request changes").click()
    expect(editor.locator(".workflow-status")).to_have_text("Changes requested")
    assert "Please cite the sleep trial." in mail.outbox[-1].body

    # The practitioner reads the note, fixes the text and submits again.
    author.reload()
    expect(author.locator(".workflow-note")).to_contain_text("Please cite the sleep trial.")
    author.locator("#id_body").fill("In one trial, people slept better after treatment.")
    author.get_by_role("button", name="Save and continue editing").click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator(".workflow-status")).to_have_text("In review")

    # The editor previews it as patients will see it, then schedules it for two days ahead.
    editor.reload()
    with editor.expect_popup() as popup:
        editor.get_by_role("link", name="Preview as patients will see it").click()
    preview = popup.value
    expect(preview.locator(".draft-banner")).to_contain_text("Draft: not public")
    expect(preview.locator(".prose")).to_contain_text("In one trial")
    preview.close()
    when = timezone.localtime() + datetime.timedelta(days=2)
    editor.get_by_label("Publish at (empty = now):").fill(when.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messagelist")).to_contain_text("Approved and scheduled for")
    expect(editor.locator(".workflow-status")).to_contain_text("Scheduled for")
    assert "will be published on" in mail.outbox[-1].body

    # Patients cannot see it before its time, and can after, with no worker involved.
    url = f"{live_server.url}{post.get_absolute_url()}"
    assert patient.goto(url).status == 404
    patient.goto(f"{live_server.url}/blog/")
    expect(patient.get_by_text("Acupuncture and sleep")).to_have_count(0)
    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        assert patient.goto(url).status == 200
        expect(patient.locator("h1")).to_have_text("Acupuncture and sleep")
        patient.goto(f"{live_server.url}/blog/")
        expect(
            patient.get_by_role("link", name="Acupuncture and sleep", exact=True)
        ).to_be_visible()
    for page in (author, editor, patient):
        page.context.close()


def test_two_editors_on_one_page_lose_nothing_and_history_restores(browser, live_server, people):
    from tests import factories

    post = factories.PostFactory(title="Sleep hygiene", body="The original advice.")
    first, second = new_page(browser), new_page(browser)
    admin_login(first, live_server, "editor", PASSWORD)
    admin_login(second, live_server, "admin", PASSWORD)
    change_url = f"{live_server.url}/admin/blog/post/{post.pk}/change/"
    first.goto(change_url)
    second.goto(change_url)

    first.locator("#id_body").fill("The first editor's advice.")
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.locator("#id_body").fill("The second editor's advice.")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".errornote, .errorlist").first).to_be_visible()
    expect(second.get_by_text("Someone else saved this page after you opened it")).to_be_visible()
    expect(second.locator("#id_body")).to_have_value("The second editor's advice.")
    with second.expect_popup() as popup:
        second.get_by_role("link", name="See what changed meanwhile").click()
    expect(popup.value.locator("table.diff")).to_contain_text("The first editor's advice.")
    post.refresh_from_db()
    assert post.body == "The first editor's advice."

    # The history keeps every save; restoring the first version keeps a new one.
    second.goto(change_url)
    second.locator("#id_body").fill("The second editor's advice.")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    second.get_by_role("link", name="History").click()
    rows = second.locator("#change-history tbody tr")
    # Newest first: the second editor's save, the first editor's, the page before any save.
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("before its first save")
    rows.nth(1).get_by_role("button", name="Restore this version").click()
    expect(second.locator(".messagelist")).to_contain_text("Restored the version of")
    post.refresh_from_db()
    assert post.body == "The first editor's advice."
    for page in (first, second, popup.value):
        page.context.close()
