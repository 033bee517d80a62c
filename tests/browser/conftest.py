"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

import shutil
import threading

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


class OneRequestAtATime(LiveServerThread):
    """Django's live server thread, answering one request after the other.

    It is given the test's own connection to the in-memory SQLite database, which Django's
    threaded server would use from several request threads at once; one request at a time, as
    `runserver --nothreading`, the connection is only ever shared with the test itself, as in
    Django's own LiveServerTestCase.
    """

    def _create_server(self, connections_override=None):
        # Not threaded: Django answers each request with "Connection: close", so the browser's
        # parallel requests queue up instead of holding the server on one connection.
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


class InFlight:
    """A WSGI app wrapped to count the requests it is answering, so that a test's end can wait
    for them: a request the browser sent just before its page was closed (an editor's autosave
    on a timer) must not still hold row locks while the database is flushed for the next test
    (PostgreSQL then ended the flush's TRUNCATE as a deadlock, and the next tests found the
    last one's rows)."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def wrap(self, app):
        def counted(environ, start_response):
            with self.changed:
                self.count += 1
            try:
                return _Closing(app(environ, start_response), self.done)
            except BaseException:
                self.done()
                raise

        return counted

    def done(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_idle(self, timeout=30):
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


class _Closing:
    """A response's iterable that says when the server has closed it (the request is over)."""

    def __init__(self, result, done):
        self.result, self.done = result, done

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.done()


IN_FLIGHT = InFlight()


@pytest.fixture(autouse=True)
def _no_request_left_in_flight():
    """Torn down after the test's pages are closed and before its database is flushed."""
    yield
    assert IN_FLIGHT.wait_idle(), "a request to the live server did not finish"


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """pytest-django's live server, started after the test database exists.

    pytest-django's own fixture could start first (it asks for no database), while the
    connection still named the development database: it then did not share the in-memory test
    database's connection, and every request thread opened its own to SQLite's shared cache.
    Concurrent requests there fail at once with "database table is locked" instead of waiting:
    an editor page sends several together (a preview per Markdown box, the autosave), one got a
    503 while reading its session, and the answer deleted the session cookie, so the browser was
    logged out in the middle of a test (seen in full runs, under load). With PostgreSQL each
    request has its own connection and the server stays threaded.
    """
    with django_db_blocker.unblock():
        server = LiveServer("localhost", start=False)
    if server.thread.connections_override:
        threaded = server.thread
        server.thread = OneRequestAtATime(
            threaded.host,
            static_handler=threaded.static_handler,
            connections_override=threaded.connections_override,
        )
        server.thread.daemon = True
    static_handler = server.thread.static_handler
    server.thread.static_handler = lambda app: IN_FLIGHT.wrap(static_handler(app))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def admin_login(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def roles(transactional_db):
    """Remake the role groups: an earlier transactional test flushed what the migrations made."""
    from tests.personas import ensure_roles

    ensure_roles()
