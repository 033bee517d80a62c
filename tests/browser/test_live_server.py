"""The test server itself: an editor page's requests in parallel neither fail nor log out.

Before tests/browser/conftest.py's live_server, the server's request threads each had their own
connection to the in-memory SQLite database, and parallel writes failed with "database table is
locked" (3 to 7 of these 60 requests answered 503); one such failure while the session was read
deleted the session cookie.
"""

import pytest

from tests.browser.conftest import admin_login
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARALLEL_SAVES = """async () => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const statuses = [];
  for (let round = 0; round < 5; round++) {
    const requests = [];
    for (let i = 0; i < 12; i++) {
      const body = new FormData();
      body.append("content", "Text " + i);
      body.append("data", JSON.stringify({ name: "Condition " + i }));
      body.append("edit_stamp", "");
      const url = i % 2 ? "/editor/preview/" : "/editor/autosave/conditions.condition/0/";
      requests.push(fetch(url, { method: "POST", body, headers: { "X-CSRFToken": token } })
        .then((response) => response.status));
    }
    statuses.push(...(await Promise.all(requests)));
  }
  return statuses;
}"""


def test_parallel_previews_and_autosaves_all_succeed_and_keep_the_log_in(
    browser, live_server, personas
):
    context = browser.new_context()
    page = context.new_page()
    admin_login(page, live_server, "editor", PASSWORD)
    page.goto(f"{live_server.url}/admin/conditions/condition/add/")

    statuses = page.evaluate(PARALLEL_SAVES)

    assert statuses == [200] * 60, statuses
    assert "sessionid" in {cookie["name"] for cookie in context.cookies()}
    page.goto(f"{live_server.url}/admin/clinic/reference/add/")
    assert "/admin/login/" not in page.url
    context.close()


def test_a_request_counts_until_the_server_closes_its_response():
    """What lets a browser test's end wait for the live server's last request before the
    database is flushed (tests/browser/conftest.py)."""
    from tests.browser.conftest import InFlight

    in_flight = InFlight()
    answer = in_flight.wrap(lambda environ, start_response: [b"page"])({}, None)
    assert list(answer) == [b"page"]
    assert not in_flight.wait_idle(timeout=0.01)  # answered, not yet closed by the server
    answer.close()
    assert in_flight.wait_idle(timeout=0.01)

    def broken(environ, start_response):
        raise RuntimeError("view failed")

    with pytest.raises(RuntimeError):
        in_flight.wrap(broken)({}, None)
    assert in_flight.wait_idle(timeout=0.01)
