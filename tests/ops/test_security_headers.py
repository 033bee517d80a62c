"""Every kind of page carries the security headers and a strict Content-Security-Policy."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from clinic.practice.models import PracticePage
from tests import factories
from tests.personas import PASSWORD

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in header.split(";"))
        if directive
    }


def assert_secure(response):
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        values = csp[directive]
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
        assert all(v == "'self'" or re.fullmatch(r"'nonce-[\w-]{20,}'", v) for v in values)
    # Every inline script or style that the page has carries this response's nonce.
    html = response.content.decode() if not response.streaming else ""
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if "src=" in tag or 'type="application/json"' in tag or "ld+json" in tag:
            continue
        assert nonces and f'nonce="{nonces[0][7:-1]}"' in tag, tag
    # Style attributes are inline styles too, and the policy blocks them.
    assert not re.findall(r"<[^>]*\sstyle=[^>]*>", html)


@pytest.fixture
def content(db, clinic):
    tag = factories.TagFactory()
    post = factories.PostFactory()
    post.tags.add(tag)
    assert PracticePage.objects.count() == len(PracticePage.Kind.values)  # the clinic fixture
    return {"post": post, "tag": tag, "condition": factories.ConditionFactory()}


def public_urls(content):
    from clinic.patients.views import page_token

    token = page_token(content["post"])
    return [
        reverse("patients:contact"),
        reverse("patients:contact_thanks"),
        reverse("patients:question_sent", args=[token]),
        *(reverse(f"practice:{kind}") for kind in PracticePage.Kind.values),
        reverse("clinic:home"),
        reverse("clinic:about"),
        content["post"].author.get_absolute_url(),
        reverse("blog:index"),
        content["post"].get_absolute_url(),
        content["tag"].get_absolute_url(),
        reverse("conditions:index"),
        content["condition"].get_absolute_url(),
    ]


def test_public_pages_carry_the_headers(client, content):
    for url in public_urls(content):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure(response)
    # The "not found" page too.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_secure(response)


def test_form_answers_carry_the_headers(client, content):
    """The contact form with its messages, and a question refused for its mistakes."""
    from clinic.patients.views import page_token

    assert_secure(client.post(reverse("patients:contact"), {"name": ""}))
    token = page_token(content["post"])
    assert_secure(client.post(reverse("patients:ask", args=[token]), {"body": ""}))


def test_static_files_carry_the_headers(client, db):
    response = client.get(f"{settings.STATIC_URL}css/site.css".replace("//", "/"))
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    response.close()


def test_admin_pages_carry_the_headers_and_nonces(client, personas, content):
    assert_secure(client.get(reverse("admin:login")))
    assert client.login(username="admin", password=PASSWORD)
    post = content["post"]
    urls = [
        reverse("admin:index"),
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_add"),
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:blog_post_delete", args=[post.pk]),
        reverse("admin:clinic_practitioner_change", args=[post.author.pk]),
        reverse("review_queue"),
        reverse("review_dates"),
        reverse("two_factor_setup"),
        reverse("admin:clinic_auditevent_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure(response)
    # The change form's inline scripts run only with the nonce, which the header names.
    response = client.get(reverse("admin:blog_post_change", args=[post.pk]))
    assert any(v.startswith("'nonce-") for v in policy(response)["script-src"])


def test_editor_endpoints_carry_the_headers(client, personas):
    assert client.login(username="practitioner", password=PASSWORD)
    response = client.post(reverse("markdownx_markdownify"), {"content": "*hi*"})
    assert response.status_code == 200
    assert_secure(response)


def test_session_cookie_is_http_only_and_expires(client, personas):
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD}, follow=False
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE <= 12 * 3600


def production_env(**extra):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "CLINIC_TESTING": "0",
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "clinic.example",
        "EMAIL_HOST": "smtp.clinic.example",
        "DATABASE_URL": "sqlite:///:memory:",
        **extra,
    }


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=production_env(**env),
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.slow
def test_production_profile_passes_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_production_settings_switch_on_https_everything():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
        " s.SECURE_CSP['upgrade-insecure-requests'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code)
    assert result.stdout.split() == ["True"] * 5 + ["None", "True"], result.stderr
    result = run_manage("shell", "--no-imports", "-c", code, PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout, result.stderr


def test_a_page_served_from_the_page_cache_keeps_its_headers(client, content, settings):
    settings.PAGE_CACHE_SECONDS = 600
    first = client.get(reverse("clinic:home"))
    again = client.get(reverse("clinic:home"))
    assert first.wsgi_request.page_cache == "miss"
    assert again.wsgi_request.page_cache == "hit"
    assert again.content == first.content
    assert_secure(again)
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_with_https_on_pages_redirect_and_carry_hsts(client, content, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("clinic:home"))
    assert response.status_code == 301
    assert response.url == "https://testserver/"
    response = client.get(reverse("clinic:home"), secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert_secure(response)
