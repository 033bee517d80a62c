"""A typical article, HTML + CSS + JS, stays under 30 KB compressed, with nothing third-party."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from blog.models import Post

pytestmark = pytest.mark.usefixtures("clinic")
BUDGET = 30 * 1024


@pytest.mark.parametrize(
    "path",
    ["/blog/acupuncture-for-low-back-pain-what-the-evidence-says/", "/conditions/back-pain/"],
)
def test_page_weight_budget(client, db, path):
    call_command("load_demo", no_accounts=True)
    assert Post.objects.published().exists()
    html = client.get(path).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert assets, "the stylesheet is linked"
    total = len(gzip.compress(html))
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as file:
            total += len(gzip.compress(file.read()))
    assert total < BUDGET, f"{path}: {total} bytes compressed"
    # Nothing from another origin: no CDN, no fonts, no analytics.
    assert not re.findall(rb'(?:src|href)="(?:https?:)?//(?!127\.0\.0\.1)[^"]+\.(?:js|css)', html)


def stored_photo(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clinic.lib import images
    from tests.samples import phone_photo

    upload = SimpleUploadedFile(name, phone_photo(800, 600), content_type="image/jpeg")
    return images.store_image(images.clean_image(upload), folder="uploads")


def image_tags(client, post):
    return re.findall(rb"<img[^>]*>", client.get(post.get_absolute_url()).content)


def assert_sized(img):
    """Nothing jumps while the page loads: the image says when to load and how big it is."""
    assert re.search(rb'loading="(lazy|eager)"', img), img
    assert re.search(rb'width="\d+"', img) and re.search(rb'height="\d+"', img), img


# The demo pages have no image, so the budget test above cannot check these two.
def test_the_hero_image_says_when_to_load_and_its_size(client, db):
    from tests import factories

    hero = stored_photo("hero.jpg")
    post = factories.PostFactory(
        hero_image=hero.name, hero_image_renditions=hero.as_dict(), hero_alt="Needles"
    )
    [img] = image_tags(client, post)
    assert_sized(img)


def test_an_image_in_the_text_says_when_to_load_and_its_size(client, db):
    """Written by its plain media URL (not the URL the editor inserts), it is found again in
    the storage on save and shown with its renditions."""
    from tests import factories

    inline = stored_photo("inline.jpg")
    post = factories.PostFactory(body=f"Text.\n\n![A chart]({inline.url})")
    [img] = image_tags(client, post)
    assert_sized(img)
    # The phone photo is stored upright: 600 x 800.
    assert b'width="600" height="800"' in img and b'loading="eager"' in img, img
    assert re.search(rb'srcset="[^"]+-480w\.jpg 480w, [^"]+-600w\.jpg 600w"', img), img
    assert b'type="image/webp"' in client.get(post.get_absolute_url()).content


def test_a_rendition_url_and_a_foreign_image_in_the_text(client, db):
    from clinic.pages.inline_images import InlineImage
    from tests import factories

    inline = stored_photo("inline.jpg")
    rendition = next(r["url"] for r in inline.renditions if r["width"] == 480)
    post = factories.PostFactory(
        body=f"![Small]({rendition})\n\n![Not ours](/media/uploads/holiday.jpg)\n\n"
        "![Elsewhere](https://example.org/a.jpg)"
    )
    first, *others = image_tags(client, post)
    assert_sized(first)
    assert b'width="600" height="800"' in first, first
    # Only what is really in the storage is recorded; the others stay plain images.
    assert list(InlineImage.objects.values_list("url", flat=True)) == [rendition]
    assert [b"width=" in img for img in others] == [False, False], others
