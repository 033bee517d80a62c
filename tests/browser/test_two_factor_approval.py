"""In Chromium: an administrator confirms a colleague's two-factor set-up, the colleague then
sees the QR code without the e-mail; axe-core on both admin pages."""

import pytest
from playwright.sync_api import expect

from clinic.accounts.models import TwoFactorApproval
from tests.browser.conftest import admin_login
from tests.browser.test_writing import axe_problems
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_confirms_a_colleagues_set_up(browser, page, live_server, roles):
    from tests.personas import make_personas

    personas = make_personas()
    admin_login(page, live_server, "admin", PASSWORD)
    page.get_by_role("link", name="Two-factor log-in").click()
    page.get_by_role("link", name="Confirm a colleague's set-up").click()
    assert axe_problems(page) == []
    row = page.locator("tr").filter(
        has=page.get_by_role("rowheader", name="practitioner", exact=True)
    )
    expect(row).to_contain_text("not yet")
    row.get_by_role("button", name="Confirm practitioner may set up two-factor log-in").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "The account “practitioner” can now set up two-factor log-in"
    )
    assert TwoFactorApproval.objects.get(user=personas.practitioner_user).approved_by == (
        personas.admin
    )
    expect(row).to_contain_text("by admin")

    colleague = browser.new_context().new_page()
    admin_login(colleague, live_server, "practitioner", PASSWORD)
    colleague.get_by_role("link", name="Two-factor log-in").click()
    expect(colleague.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert axe_problems(colleague) == []
    colleague.context.close()
