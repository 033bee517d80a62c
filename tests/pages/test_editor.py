"""The markdownx endpoints: staff only, sanitised, never a 500."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from tests.personas import PASSWORD
from tests.safety import executable_markup

PREVIEW = reverse("markdownx_markdownify")
UPLOAD = reverse("markdownx_upload")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_anonymous_gets_403(client, db, url):
    assert client.post(url, {"content": "x"}).status_code == 403


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_logged_in_non_staff_gets_403(client, personas, url):
    login(client, personas.visitor)
    assert client.post(url, {"content": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["practitioner_user", "editor", "admin"])
def test_staff_can_preview(client, personas, role):
    login(client, getattr(personas, role))
    response = client.post(PREVIEW, {"content": "**bold**"})
    assert response.status_code == 200
    assert response.content.decode().strip() == "<p><strong>bold</strong></p>"


def test_preview_rejects_get(client, personas):
    login(client, personas.editor)
    assert client.get(PREVIEW).status_code == 405


def test_preview_without_content_is_400(client, personas):
    login(client, personas.editor)
    response = client.post(PREVIEW, {})
    assert response.status_code == 400
    assert b"Nothing to preview" in response.content


def test_preview_too_long_is_400_with_message(client, personas, settings):
    settings.MARKDOWN_MAX_LENGTH = 10
    login(client, personas.editor)
    response = client.post(PREVIEW, {"content": "x" * 11})
    assert response.status_code == 400
    assert b"the limit is 10" in response.content


def test_preview_is_sanitised(client, personas):
    login(client, personas.practitioner_user)
    response = client.post(PREVIEW, {"content": "<script>alert(1)</script>[x](javascript:y)"})
    assert executable_markup(response.content.decode()) == []


def test_preview_numbers_citations_like_the_page(client, personas):
    from tests.factories import ReferenceFactory

    ReferenceFactory(key="cherkin2009", title="Acupuncture trial")
    login(client, personas.practitioner_user)
    body = client.post(PREVIEW, {"content": "Claim [@cherkin2009; @missing2001]."}).content
    body = body.decode()
    assert 'href="#ref-1"' in body
    assert '<li id="ref-1" value="1">' in body
    assert "Acupuncture trial" in body
    assert "@missing2001" in body and "Not attached" in body


def test_staff_upload_stores_a_reencoded_image(client, personas, settings):
    login(client, personas.practitioner_user)
    response = client.post(UPLOAD, {"image": png_bytes()}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    code = response.json()["image_code"]
    # The page gets the resized copy; an opaque PNG's is a JPEG (far smaller).
    assert code.startswith("![") and code.endswith("-40w.jpg)")
    stored = list((settings.MEDIA_ROOT / "uploads").rglob("*.png"))
    assert stored


def test_anonymous_upload_stores_nothing(client, db, settings):
    response = client.post(UPLOAD, {"image": png_bytes()})
    assert response.status_code == 403
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_bad_upload_is_refused_with_a_message(client, personas, settings):
    login(client, personas.editor)
    script = io.BytesIO(b"#!/bin/sh\necho pwned\n")
    script.name = "photo.png"
    response = client.post(UPLOAD, {"image": script})
    assert response.status_code == 400
    assert "not a JPEG, PNG, WebP or GIF" in " ".join(response.json()["image"])
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))
