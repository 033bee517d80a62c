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
    # Every image is lazy and sized, so nothing jumps while the page loads.
    for img in re.findall(rb"<img[^>]*>", html):
        assert b'loading="lazy"' in img or b'loading="eager"' in img
        assert b"width=" in img and b"height=" in img
