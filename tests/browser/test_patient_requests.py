"""Issue 16 end to end in Chromium at 390 px: a patient books, reception answers, a question is
moderated and answered, and the new pages pass axe.

Screenshots of each step go to $SCREENSHOT_DIR when it is set (for a person to look at).
"""

import os
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from clinic.accounts.models import AuditEvent
from clinic.patients.models import AppointmentRequest, Comment
from clinic.practice.models import Practitioner
from tests.browser.conftest import admin_login
from tests.browser.test_patients import ARTICLE, violations
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Rosalind Featherstonehaugh"
QUESTION = "Can I have acupuncture if I take blood thinners?"
ANSWER = "Usually yes, with a few precautions: tell us at your first visit."


@pytest.fixture
def demo(roles, clinic, settings):
    settings.PATIENT_FORM_MIN_SECONDS = 1
    personas = make_personas()
    call_command("load_demo", no_accounts=True)
    # The demo's Dr Helen Marsh (author of the low back pain article) logs in as "practitioner".
    Practitioner.objects.filter(slug="helen-marsh").update(user=personas.practitioner_user)
    return personas


def shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_patient_books_and_reception_handles_it(browser, phone, live_server, demo):
    phone.goto(f"{live_server.url}/conditions/back-pain/")
    cta = phone.locator(".cta-top").get_by_role("link", name="Book an appointment")
    # Near the top on a phone: visible without scrolling.
    box = cta.bounding_box()
    assert box is not None and box["y"] < 844, box
    expect(phone.locator(".cta-top a[href^='tel:']")).to_be_visible()
    shot(phone, "1-condition-top")
    cta.click()
    phone.wait_for_url(f"{live_server.url}/contact/")
    shot(phone, "2-contact")

    # A first try with no way to reach the patient: the message is beside the field.
    phone.get_by_label("Your name").fill(NAME)
    time.sleep(1.1)  # a person takes longer than the minimum fill time
    phone.get_by_role("button", name="Send request").click()
    expect(phone.locator("#id_phone_error")).to_contain_text("Give a telephone number")
    expect(phone.get_by_label("Your name")).to_have_value(NAME)
    shot(phone, "3-contact-error")

    phone.get_by_label("Telephone").fill("07700 900456")
    phone.get_by_label("What is it about? (optional)").fill("Low back pain for six weeks")
    phone.get_by_label("I agree that the clinic may contact me about this request.").check()
    phone.get_by_role("button", name="Send request").click()
    phone.wait_for_url(f"{live_server.url}/contact/thanks/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you: we have your request")
    shot(phone, "4-thanks")

    request = AppointmentRequest.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM patients_appointmentrequest")
        raw = " ".join(map(str, cursor.fetchone()))
    assert NAME not in raw and "Featherstonehaugh" not in raw and "Low back" not in raw

    [message] = mail.outbox
    assert NAME not in message.body and "back pain" not in message.body.lower()
    link = re.search(r"https?://\S+/admin/patients/appointmentrequest/\d+/change/", message.body)
    assert link

    admin = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    desk = admin.new_page()
    admin_login(desk, live_server, "reception", PASSWORD)
    desk.goto(f"{live_server.url}/admin/patients/appointmentrequest/{request.pk}/change/")
    expect(desk.get_by_text(NAME)).to_be_visible()
    shot(desk, "5-reception-request")
    assert violations(desk) == []
    desk.get_by_label("Status").select_option("contacted")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")
    request.refresh_from_db()
    assert request.status == "contacted"
    admin.close()

    events = AuditEvent.objects.filter(kind="patient_data", subject=str(request))
    assert {event.detail for event in events} >= {"viewed", "changed status (status now Contacted)"}
    assert all(event.actor.username == "reception" for event in events)


def test_a_question_shows_only_once_the_author_approves_and_answers(
    browser, phone, live_server, demo
):
    article = f"{live_server.url}/blog/{ARTICLE}/"
    phone.goto(article)
    phone.get_by_label("Your name").fill("Sam")
    phone.get_by_label("E-mail").fill("sam.private@example.org")
    phone.get_by_label("Your question or comment").fill(QUESTION)
    time.sleep(1.1)
    phone.get_by_role("button", name="Send question").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your question")
    phone.goto(article)
    expect(phone.get_by_text(QUESTION)).to_have_count(0)

    comment = Comment.objects.get()
    author = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = author.new_page()
    admin_login(desk, live_server, "practitioner", PASSWORD)
    desk.goto(f"{live_server.url}/admin/patients/comment/{comment.pk}/change/")
    shot(desk, "6-moderation")
    assert violations(desk) == []
    desk.get_by_label("Answer").fill(ANSWER)
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")
    author.close()

    phone.goto(article)
    expect(phone.get_by_text(QUESTION)).to_be_visible()
    expect(phone.get_by_text(ANSWER)).to_be_visible()
    expect(phone.locator(".answer")).to_contain_text("Dr Helen Marsh")
    assert "sam.private" not in phone.content()
    shot(phone, "7-answered")


def test_footer_links_and_axe_on_the_new_pages(page, phone, live_server, demo):
    phone.goto(f"{live_server.url}/")
    footer = phone.locator("footer")
    for name, path in [
        ("Privacy notice", "/privacy/"),
        ("Accessibility statement", "/accessibility/"),
        ("Complaints procedure", "/complaints/"),
        ("Fees", "/fees/"),
    ]:
        expect(footer.get_by_role("link", name=name)).to_have_attribute("href", path)
    found = {}
    for path in [
        "/contact/",
        "/contact/thanks/",
        "/privacy/",
        "/accessibility/",
        "/complaints/",
        "/fees/",
        "/about/",
        f"/blog/{ARTICLE}/",
    ]:
        for viewport in (page, phone):
            viewport.goto(f"{live_server.url}{path}")
            if problems := violations(viewport):
                found[f"{path} ({viewport.viewport_size['width']} px)"] = problems
    # The form with its messages showing.
    phone.goto(f"{live_server.url}/contact/")
    phone.get_by_role("button", name="Send request").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    shot(phone, "8-contact-all-errors")
    if problems := violations(phone):
        found["/contact/ with errors"] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
