"""Uploads through the real endpoints: the editor's drag-and-drop, hero images, practitioner
photos. Hostile files are refused with a clear message and leave the media folder untouched;
good ones are stored upright, without metadata, with responsive renditions."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from blog.models import Post
from clinic.lib.images import COLUMN_SIZES, MAX_UPLOAD_BYTES
from clinic.models import Practitioner
from clinic.pages.publishing import Status
from tests import factories
from tests.blog.test_admin import post_data
from tests.samples import HOSTILE_UPLOADS, encode, phone_photo, png_header, small_png

UPLOAD = reverse("markdownx_upload")


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def uploaded(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_form(author, **overrides):
    defaults = {"title": "Needles and nerves", "slug": "needles-and-nerves", "body": "Text."}
    return post_data(author, **{**defaults, **overrides})


# --- The editor's drag-and-drop endpoint ------------------------------------------------------


@pytest.mark.parametrize("case", HOSTILE_UPLOADS)
def test_hostile_uploads_to_the_editor_are_refused_and_nothing_is_stored(
    client, personas, settings, case
):
    name, content, message = HOSTILE_UPLOADS[case]
    client.force_login(personas.practitioner_user)
    before = media_files(settings)
    response = client.post(UPLOAD, {"image": uploaded(name, content)})
    assert response.status_code == 400
    assert message in " ".join(response.json()["image"])
    assert media_files(settings) == before == []


def test_an_oversized_upload_is_refused_with_the_limit(client, personas, settings):
    client.force_login(personas.practitioner_user)
    big = uploaded("big.jpg", b"\xff\xd8" + b"\0" * (MAX_UPLOAD_BYTES + 10))
    response = client.post(UPLOAD, {"image": big})
    assert response.status_code == 400
    assert "too big; the limit is 10 MB" in response.json()["image"][0]
    assert media_files(settings) == []


def test_a_jpeg_first_polyglot_is_stored_without_its_script(client, personas, settings):
    content = encode(Image.new("RGB", (50, 50), "red"), "JPEG", comment=b"<script>x</script>")
    client.force_login(personas.practitioner_user)
    response = client.post(UPLOAD, {"image": uploaded("a.html", content, "text/html")})
    assert response.status_code == 200
    assert response.json()["image_code"].endswith("-50w.jpg)")
    for path in settings.MEDIA_ROOT.rglob("*.*"):
        assert b"<script" not in path.read_bytes()


def test_a_phone_photo_is_stored_upright_without_gps_under_a_random_name(
    client, personas, settings
):
    client.force_login(personas.practitioner_user)
    response = client.post(UPLOAD, {"image": uploaded("IMG_0001.JPG", phone_photo(), "image/jpeg")})
    assert response.status_code == 200
    url = re.search(r"\]\((.+)\)", response.json()["image_code"]).group(1)
    # The page gets the widest resized copy; the upright original is kept beside it.
    assert re.fullmatch(r"/media/uploads/[0-9a-f]{32}-800w\.jpg", url)
    original = url.removeprefix("/media/").replace("-800w", "")
    with Image.open(settings.MEDIA_ROOT / original) as stored:
        assert stored.size == (800, 1200)  # turned upright
        assert stored.getpixel((799, 0))[0] > 200  # red top-left corner is now top-right
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert len(stored.getexif()) == 0
    # Renditions sit next to it: 480 and 800 wide, WebP and JPEG.
    names = media_files(settings)
    assert len([n for n in names if re.search(r"-\d+w\.(webp|jpg)$", n)]) == 6


def test_non_staff_cannot_upload(client, personas, settings):
    client.force_login(personas.visitor)
    response = client.post(UPLOAD, {"image": uploaded("a.png", small_png())})
    assert response.status_code == 403
    assert media_files(settings) == []


# --- Hero images in the article form ----------------------------------------------------------


@pytest.fixture
def admin_client_(client, personas, clinic):
    client.force_login(personas.admin)
    return client


def test_hero_image_is_stored_with_renditions_and_shown_responsively(
    admin_client_, client, personas, settings, django_assert_num_queries
):
    data = post_form(
        personas.practitioner,
        hero_image=uploaded("hero.jpg", phone_photo(2400, 1600), "image/jpeg"),
        hero_alt="Fine needles on a tray",
    )
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug="needles-and-nerves")
    assert re.fullmatch(r"posts/[0-9a-f]{32}\.jpg", post.hero_image.name)
    widths = sorted({r["width"] for r in post.hero_image_renditions["renditions"]})
    assert widths == [480, 720, 960, 1600]
    with Image.open(post.hero_image.path) as stored:
        assert stored.size == (1600, 2400)

    # Publishing is the workflow's business (tests/pages/test_workflow*.py); here it is a given.
    Post.objects.filter(pk=post.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.logout()
    # The same two queries as any article: the renditions are stored on the page, and the
    # picture in its stored HTML (blog/page_html.py), not looked up.
    with django_assert_num_queries(2):
        response = client.get(post.get_absolute_url())
    html = response.content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert '<source type="image/webp" srcset="/media/posts/' in picture
    assert all(f"{width}w" in picture for width in (480, 720, 960, 1600))
    assert f'sizes="{COLUMN_SIZES}"' in picture
    assert 'width="1600" height="2400"' in picture
    assert 'alt="Fine needles on a tray"' in picture and 'loading="lazy"' in picture


@pytest.mark.parametrize("case", ["script renamed .png", "SVG", "30000 x 30000 bomb"])
def test_hostile_hero_images_are_refused_beside_the_field(admin_client_, personas, settings, case):
    name, content, message = HOSTILE_UPLOADS[case]
    data = post_form(
        personas.practitioner, hero_image=uploaded(name, content), hero_alt="Something"
    )
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["hero_image"])
    assert not Post.objects.exists()
    assert media_files(settings) == []


def test_a_hero_image_needs_its_description_and_nothing_is_stored_without_it(
    admin_client_, personas, settings
):
    data = post_form(personas.practitioner, hero_image=uploaded("a.png", small_png()))
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_alt"] == [
        "Describe the image for patients who cannot see it."
    ]
    assert media_files(settings) == []


# --- Practitioner photos ----------------------------------------------------------------------


def test_practitioner_photo_goes_through_the_same_pipeline(
    admin_client_, client, personas, settings
):
    practitioner = personas.practitioner
    url = reverse("admin:clinic_practitioner_change", args=[practitioner.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(
        user=practitioner.user_id,
        photo=uploaded("me.jpg", phone_photo(1200, 900), "image/jpeg"),
        photo_alt="Dr Marsh smiling",
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    practitioner.refresh_from_db()
    assert re.fullmatch(r"practitioners/[0-9a-f]{32}\.jpg", practitioner.photo.name)
    assert practitioner.photo_renditions["width"] == 900

    html = client.get(practitioner.get_absolute_url()).content.decode()
    assert 'class="portrait"' in html and 'alt="Dr Marsh smiling"' in html
    assert 'sizes="240px"' in html and "480w" in html


def test_a_hostile_photo_is_refused(admin_client_, personas, settings):
    practitioner = personas.practitioner
    url = reverse("admin:clinic_practitioner_change", args=[practitioner.pk])
    name, content, message = HOSTILE_UPLOADS["HTML/JPEG polyglot"]
    response = admin_client_.post(
        url,
        {
            "name": practitioner.name,
            "slug": practitioner.slug,
            "photo": uploaded(name, content),
            "photo_alt": "x",
        },
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["photo"])
    assert media_files(settings) == []
    assert not Practitioner.objects.get(pk=practitioner.pk).photo


def test_old_images_without_renditions_still_show(client, clinic, settings):
    post = factories.PostFactory(hero_image="posts/old.jpg", hero_alt="Old picture")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<img class="hero" src="/media/posts/old.jpg" alt="Old picture"' in html


def test_upload_limits_are_set_deliberately(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 4 * settings.MARKDOWN_MAX_LENGTH
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= MAX_UPLOAD_BYTES


def test_a_one_pixel_wide_forty_megapixel_png_is_refused_through_the_editor(client, personas):
    client.force_login(personas.practitioner_user)
    tall = uploaded("tall.png", png_header(1, 39_999_999))
    response = client.post(UPLOAD, {"image": tall})
    assert response.status_code == 400
    assert "12,000 pixels a side" in response.json()["image"][0]


def test_uploads_are_limited_per_person(client, personas, settings):
    settings.UPLOAD_RATE_PER_MINUTE = 2
    client.force_login(personas.practitioner_user)
    statuses = [
        client.post(UPLOAD, {"image": uploaded("a.png", small_png())}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = client.post(UPLOAD, {"image": uploaded("a.png", small_png())})
    assert refused.status_code == 429
    assert "at most 2 a minute" in refused.json()["image"][0]
    # Someone else is not held up by it.
    other = Client()
    other.force_login(personas.editor)
    assert other.post(UPLOAD, {"image": uploaded("a.png", small_png())}).status_code == 200


def test_every_image_upload_counts_against_one_limit_per_person(admin_client_, personas, settings):
    """The editor's drag-and-drop, a hero image and a practitioner photo share the limit; the
    refusal comes beside the field, before the file is decoded, and nothing is stored."""
    settings.UPLOAD_RATE_PER_MINUTE = 2
    assert admin_client_.post(UPLOAD, {"image": uploaded("a.png", small_png())}).status_code == 200
    data = post_form(
        personas.practitioner, hero_image=uploaded("hero.png", small_png()), hero_alt="Needles"
    )
    assert admin_client_.post(reverse("admin:blog_post_add"), data).status_code == 302
    stored = media_files(settings)

    practitioner = personas.practitioner
    url = reverse("admin:clinic_practitioner_change", args=[practitioner.pk])
    response = admin_client_.post(
        url,
        {
            "name": practitioner.name,
            "slug": practitioner.slug,
            "photo": uploaded("me.png", small_png()),
            "photo_alt": "Dr Marsh",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "Too many images at once: at most 2 a minute. Wait a minute, then choose the image again."
    ]
    assert "Too many images at once" in response.content.decode()
    data = post_form(
        personas.practitioner,
        slug="second",
        hero_image=uploaded("hero.png", small_png()),
        hero_alt="Needles",
    )
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    assert "at most 2 a minute" in response.context["adminform"].form.errors["hero_image"][0]
    assert admin_client_.post(UPLOAD, {"image": uploaded("a.png", small_png())}).status_code == 429
    assert media_files(settings) == stored
    assert not Practitioner.objects.get(pk=practitioner.pk).photo
    # Someone else is not held up by it.
    other = Client()
    other.force_login(personas.editor)
    assert other.post(UPLOAD, {"image": uploaded("a.png", small_png())}).status_code == 200
