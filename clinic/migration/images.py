"""Images of the old site: downloaded once, passed through the image pipeline, addresses replaced.

Each image is fetched over HTTP(S) with a time and size limit, then verified, re-encoded,
stripped of metadata and resized by ``clinic.lib.images`` exactly like an upload in the editor; the
page then shows the widest resized copy. What was fetched is remembered (``ImportedImage``), so a
second import fetches nothing again. An image that fails is listed with the reason; *Retry
failed images* in the admin tries them again and updates the pages that show them.

Addresses on private networks (127.0.0.1, 10.x, 169.254.x…) are refused, so an export cannot
make the server fetch from inside its own network, unless ``MIGRATION_ALLOW_PRIVATE_IMAGE_HOSTS``
is true (the tests' local image server).
"""

import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from clinic.lib import images
from clinic.migration.models import ImportedImage

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
FOLDER = "imported"


class _Download(BytesIO):
    name = "download"

    @property
    def size(self):
        return len(self.getbuffer())


def _refuse_private(host: str) -> None:
    if getattr(settings, "MIGRATION_ALLOW_PRIVATE_IMAGE_HOSTS", False):
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise ValueError(f"the host {host} was not found") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise ValueError(f"{host} is on a private network")


def fetch(url: str) -> images.StoredImage:
    """Download one image and store it with its renditions. Raises ValueError with the reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a web address")
    _refuse_private(parts.hostname)
    # http and https only (checked above), so S310's file: and custom schemes cannot happen.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": "clinic-site image import"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(images.MAX_UPLOAD_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ValueError(f"the old site answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ValueError(f"could not connect ({reason})") from None
    try:
        clean = images.clean_image(_Download(data))
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return images.store_image(clean, folder=FOLDER)


def shown_url(stored: dict) -> str:
    """The copy a page shows: the widest JPEG/PNG rendition (as the editor's upload inserts)."""
    fallbacks = [r for r in stored.get("renditions", []) if r["format"] != "webp"]
    if not fallbacks:
        return stored.get("url", "")
    return max(fallbacks, key=lambda r: r["width"])["url"]


class Fetcher:
    """Fetches the images of one import, each address once, and remembers the failures."""

    def __init__(self):
        self.failed: list[dict] = []

    def url_for(self, url: str) -> str:
        """The address here for an old image address; raises ValueError if it failed."""
        record, _ = ImportedImage.objects.get_or_create(source_url=url[:1000])
        if record.stored_url:
            return record.stored_url
        record.attempts += 1
        try:
            stored = fetch(url)
        except ValueError as error:
            record.error = str(error)[:300]
            record.save(update_fields=["error", "attempts", "updated_at"])
            self.failed.append({"url": url, "error": record.error})
            raise
        record.stored = stored.as_dict()
        record.stored_url = shown_url(record.stored)
        record.error = ""
        record.save()
        return record.stored_url

    def replace(self, markdown: str, urls: list[str], export) -> tuple[str, list[tuple[str, str]]]:
        failed = []
        for url in urls:
            absolute = urljoin(export.site_url or "", url)
            try:
                new = self.url_for(absolute)
            except ValueError as error:
                failed.append((absolute, str(error)))
                continue
            markdown = markdown.replace(f"]({url})", f"]({new})")
        return markdown, failed


def retry_failed(queryset) -> tuple[int, int]:
    """Fetch the failed images again and update the pages that show them. (fixed, still failing)"""
    from clinic.migration.importer import page_digest
    from clinic.migration.models import ImportedItem

    fixed = failing = 0
    fetcher = Fetcher()
    for record in queryset.filter(stored_url=""):
        try:
            new = fetcher.url_for(record.source_url)
        except ValueError:
            failing += 1
            continue
        fixed += 1
        for item in ImportedItem.objects.filter(content_type__isnull=False):
            page = item.target
            if page is None or not hasattr(page, "markdown_fields"):
                continue
            changed = False
            for name in page.markdown_fields:
                text = getattr(page, name)
                if f"]({record.source_url})" in text:
                    setattr(page, name, text.replace(f"]({record.source_url})", f"]({new})"))
                    changed = True
            if changed:
                page.save()
                item.written_digest = page_digest(page)
                item.save(update_fields=["written_digest", "updated_at"])
    return fixed, failing
