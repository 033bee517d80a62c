"""Two editors press Save on the same page at the same instant: no lost update.

Both open the change form (so both hold the same edit stamp), then both POST at once, released
by a barrier, to a real gunicorn with two worker processes: two requests truly in parallel,
each with its own database connection. Exactly one save wins; the other is refused with the
"someone else saved" message and its text kept in the form, never a 500 or a 503 ("database is
locked"). The page then holds the winner's text. Twenty trials, on whichever database the suite
runs on: SQLite (the in-memory test database copied to a file the server opens) or PostgreSQL
(the test database itself).
"""

import http.cookies
import os
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from clinic.bench.management.commands.bench import Server, free_port
from tests import factories
from tests.blog.test_admin import post_data
from tests.ops.test_servers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TRIALS = 20
STALE = "Someone else saved this page after you opened it"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Editor:
    """One person's browser: their cookies, their requests to the server."""

    def __init__(self, server, session_cookie):
        self.server = server
        self.cookies = dict(session_cookie)
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, path, data=None):
        request = urllib.request.Request(
            self.server.url + path,
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={
                "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
                # Django's CSRF check compares Origin with the host on a POST.
                "Origin": self.server.url,
            },
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, headers, body.decode()

    def open_form(self, path):
        status, _, html = self.request(path)
        assert status == 200, html[:500]
        return {
            "csrfmiddlewaretoken": field_value(html, "csrfmiddlewaretoken"),
            "edit_stamp": field_value(html, "edit_stamp"),
        }


def field_value(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def post_at_once(editors, path, datas):
    """Each editor POSTs their data to `path`, released together by a barrier."""
    barrier = threading.Barrier(len(editors))
    answers = [None] * len(editors)

    def save(index):
        barrier.wait()
        answers[index] = editors[index].request(path, datas[index])

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(editors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def session_of(user):
    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def server_database(tmp_path):
    """The URL of a database holding what this test made, for the server to open."""
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory: copy it to a file.
        path = tmp_path / "concurrent.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    return database_url()


def test_two_saves_at_the_same_instant_one_wins_the_other_is_told(personas, tmp_path):
    post = factories.PostFactory(author=personas.practitioner, body="The original words.")
    change_url = reverse("admin:blog_post_change", args=[post.pk])
    editors_sessions = [session_of(personas.editor), session_of(personas.admin)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
        "CLINIC_TESTING": "1",
        "DEBUG": "false",
        "DATABASE_URL": server_database(tmp_path),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    server = Server("clinic.wsgi:application", free_port(set()), env, workers=2)
    try:
        editors = [Editor(server, session) for session in editors_sessions]
        outcomes = []
        for trial in range(TRIALS):
            texts = [f"Trial {trial}: the words of editor {name}." for name in ("one", "two")]
            forms = [editor.open_form(change_url) for editor in editors]
            assert forms[0]["edit_stamp"] == forms[1]["edit_stamp"]
            datas = [
                {
                    **post_data(personas.practitioner, title=post.title, slug=post.slug, body=text),
                    **form,
                }
                for text, form in zip(texts, forms, strict=True)
            ]
            answers = post_at_once(editors, change_url, datas)

            statuses = [status for status, _, _ in answers]
            assert sorted(statuses) == [200, 302], (trial, statuses, answers)
            winner, loser = (0, 1) if statuses[0] == 302 else (1, 0)
            assert answers[winner][1]["Location"] == reverse("admin:blog_post_changelist")
            refused = answers[loser][2]
            assert STALE in refused, (trial, refused[:2000])
            assert texts[loser] in refused  # their text stays in the form
            # The page holds the winner's words.
            html = editors[loser].request(change_url)[2]
            assert texts[winner] in html and texts[loser] not in html
            outcomes.append(winner)
    finally:
        server.stop()
    # Either editor can win: the order is the servers', not the test's.
    assert len(outcomes) == TRIALS
