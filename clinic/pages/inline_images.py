"""
Images in the text of a page: what the editor's upload stored, so the page can show renditions.

The Markdown names the stored image by the URL the editor inserted (its widest JPEG or PNG,
at most 1600 px). Rendering looks those URLs up here (one query per page) and the renderer
(clinic.markdown) prints a <picture> with WebP and the fallback at each rendition width, width
and height, lazy loading except for the first image.

An image written by another of its media URLs (the original's, another rendition's, one copied
from a page, an imported one) is found again in the storage the first time a text naming it is
rendered (``clinic.lib.images.find_stored``), and recorded here, so it costs the storage look-ups
once.
"""

import re
from urllib.parse import unquote

from django.conf import settings
from django.db import models

from clinic.lib import images as image_files

# An image in Markdown: ![alt](url "title"); the URL is what we look up.
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?")


class InlineImage(models.Model):
    url = models.CharField(max_length=500, unique=True, help_text="As inserted in the Markdown.")
    # clinic.images.StoredImage.as_dict(): the original and its renditions.
    stored = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "clinic"

    def __str__(self):
        return self.url


def record(stored: image_files.StoredImage) -> str:
    """Remember an upload's renditions; returns the URL to put in the Markdown."""
    shown = max((r for r in stored.renditions if r["format"] != "webp"), key=lambda r: r["width"])
    InlineImage.objects.update_or_create(url=shown["url"], defaults={"stored": stored.as_dict()})
    return shown["url"]


def lookup(*texts: str) -> dict[str, dict]:
    """{url: stored image} for the uploaded images the Markdown texts show."""
    urls = {url for text in texts for url in _MARKDOWN_IMAGE.findall(text or "")}
    if not urls:
        return {}
    found = dict(InlineImage.objects.filter(url__in=urls).values_list("url", "stored"))
    for url in urls - found.keys():
        if url.startswith(settings.MEDIA_URL) and (
            stored := image_files.find_stored(unquote(url.removeprefix(settings.MEDIA_URL)))
        ):
            InlineImage.objects.update_or_create(url=url, defaults={"stored": stored.as_dict()})
            found[url] = stored.as_dict()
    return found
