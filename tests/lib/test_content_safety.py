"""Everything an author types reaches pages only through the sanitiser, hostile or not.

The corpus (tests/xss_corpus.py) goes through each way text reaches a browser: an article body,
a condition page, a practitioner's bio, and the editor's live preview (inserted with innerHTML).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.bench.management.commands.bench_markdown import cases
from clinic.lib import markdown
from tests import factories
from tests.safety import executable_markup
from tests.xss_corpus import PAYLOADS

PREVIEW = reverse("markdownx_markdownify")


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_leaves_nothing_executable(payload):
    assert executable_markup(markdown.render(payload).html) == []
    assert executable_markup(markdown.render_html(payload)) == []


def assert_shown_safely(client, obj, *stored_fields):
    """The stored HTML has nothing executable, and is exactly what the page prints."""
    obj.refresh_from_db()
    html = client.get(obj.get_absolute_url()).content.decode()
    for name in stored_fields:
        stored = getattr(obj, name)
        assert executable_markup(stored) == [], (name, stored)
        assert stored.strip() in html


def test_article_bodies(client, clinic):
    for payload in PAYLOADS:
        post = factories.PostFactory(body=f"Intro.\n\n{payload}")
        assert_shown_safely(client, post, "body_html")


def test_condition_pages(client, clinic):
    for payload in PAYLOADS:
        condition = factories.ConditionFactory(overview=payload, symptoms=payload)
        assert_shown_safely(client, condition, "body_html")


def test_practitioner_bios(client, clinic):
    for index, payload in enumerate(PAYLOADS):
        practitioner = factories.PractitionerFactory(
            name=f"Doctor {index}", slug=f"doctor-{index}", bio=payload, short_bio=payload
        )
        assert_shown_safely(client, practitioner, "bio_html")


def test_the_live_preview(client, personas, settings):
    settings.PREVIEW_RATE_PER_MINUTE = 1000
    client.force_login(personas.practitioner_user)
    for payload in PAYLOADS:
        response = client.post(PREVIEW, {"content": payload})
        assert response.status_code == 200
        assert executable_markup(response.content.decode()) == [], payload


def test_external_links_open_safely_and_internal_ones_stay_plain(settings):
    html = markdown.render(
        f"[out](https://example.org) [in]({settings.SITE_URL}/about/) [rel](/blog/)"
    ).html
    assert 'href="https://example.org" rel="noopener noreferrer"' in html
    assert f'href="{settings.SITE_URL}/about/">' in html
    assert 'href="/blog/">' in html


# --- Pathological input ----------------------------------------------------------------------


# The cases (from `manage.py bench_markdown`) that are over a limit, and the refusal each gets.
# Every other case, "at the limit" ones included, must render.
REFUSED = {
    "run of '[' (over the limit)": "too_complex",
    "run of '![' (over the limit)": "too_complex",
    "table 200 x 100 (over the limit)": "too_complex",
    "link reference definitions": "too_complex",  # 7,142 "[" in 50,000 characters
    "megabytes (over the length limit)": "too_long",
}


def test_every_refused_case_exists():
    assert set(REFUSED) <= set(cases(50_000))


@pytest.mark.parametrize("name", list(cases(50_000)))
def test_pathological_markdown_is_refused_or_rendered(settings, name):
    """No crash (RecursionError, 500) on hostile input; over the limits it is refused with a
    message, at the limits it renders. How long each case takes is measured by
    `manage.py bench_markdown`, not here."""
    text = cases(settings.MARKDOWN_MAX_LENGTH)[name]
    if name in REFUSED:
        with pytest.raises(ValidationError) as refusal:
            markdown.render(text)
        assert refusal.value.code == REFUSED[name]
        assert "the limit is" in refusal.value.messages[0]
    else:
        assert isinstance(markdown.render(text).html, str)


def test_complex_text_is_refused_beside_the_field_in_the_admin(client, personas, clinic):
    client.force_login(personas.admin)
    url = reverse("admin:clinic_practitioner_change", args=[personas.practitioner.pk])
    response = client.post(url, {"name": "X", "slug": "x", "bio": "[" * 3000})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["bio"]
    assert "3,000 opening square brackets" in errors[0]


def test_preview_refuses_complex_text_with_a_message(client, personas):
    client.force_login(personas.practitioner_user)
    response = client.post(PREVIEW, {"content": "*a" * 10_001})
    assert response.status_code == 400
    assert "10,001 “*” and “_” characters; the limit is 10,000" in response.content.decode()


def test_the_preview_is_rate_limited_per_person(client, personas, settings):
    settings.PREVIEW_RATE_PER_MINUTE = 5
    client.force_login(personas.practitioner_user)
    for _ in range(5):
        assert client.post(PREVIEW, {"content": "x"}).status_code == 200
    response = client.post(PREVIEW, {"content": "x"})
    assert response.status_code == 429
    assert "more than 5 previews in a minute" in response.content.decode()
    other = client.__class__()
    other.force_login(personas.editor)
    assert other.post(PREVIEW, {"content": "x"}).status_code == 200


def test_an_oversized_request_gets_a_clear_refusal(client, personas, settings):
    client.force_login(personas.practitioner_user)
    response = client.post(PREVIEW, {"content": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
