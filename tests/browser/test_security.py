"""Under the real Content-Security-Policy in Chromium: no violations, and the editor works."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import admin_login
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """An earlier transactional test flushed the groups the data migrations made: remake them."""
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for module in ("0002_roles", "0004_publish_permissions"):
        migration = importlib.import_module(f"clinic.migrations.{module}")
        for name, codenames in getattr(
            migration, "ROLES", getattr(migration, "GRANTS", {})
        ).items():
            group, _ = Group.objects.get_or_create(name=name)
            for dotted in codenames:
                app_label, codename = dotted.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


# Runs before any page script; CSP does not apply to scripts injected by the browser driver.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page):
    page.add_init_script(WATCH_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def violations(page, console):
    return page.evaluate("window.__cspViolations") + console


def test_public_pages_have_no_csp_violations(page, live_server, clinic):
    console = watch(page)
    post = factories.PostFactory(body="## Hello\n\nText with a [link](https://example.org).")
    tag = factories.TagFactory()
    post.tags.add(tag)
    condition = factories.ConditionFactory()
    for path in [
        "/",
        "/about/",
        post.author.get_absolute_url(),
        "/blog/",
        post.get_absolute_url(),
        tag.get_absolute_url(),
        "/conditions/",
        condition.get_absolute_url(),
        "/no-such-page/",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1").first).to_be_visible()
        assert violations(page, console) == [], path


def test_admin_editor_works_without_csp_violations(page, live_server, personas):
    console = watch(page)
    admin_login(page, live_server, "practitioner", PASSWORD)
    for path in ["/admin/", "/admin/blog/post/", "/admin/blog/post/add/"]:
        page.goto(f"{live_server.url}{path}")
        assert violations(page, console) == [], path
    page.locator("#id_body").fill("## Preview works\n\n<img src=x onerror=alert(1)>")
    preview = page.locator(".markdownx-preview").first
    expect(preview.locator("h2")).to_have_text("Preview works")
    expect(preview.locator("img")).to_have_count(0)
    # Autocomplete (select2) and the collapsible fieldsets also run under the policy.
    page.locator("#id_tags + .select2 .select2-selection").click()
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("summary", has_text="Image").click()
    expect(page.locator("#id_hero_alt")).to_be_visible()
    assert violations(page, console) == []

    # The watcher itself works: an injected inline handler is blocked and reported.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=/x.png onerror=\"window.hit=1\">')"
    )
    expect(page.locator("img[src='/x.png']")).to_have_count(1)
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.hit") is None
