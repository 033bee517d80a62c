"""What an article with one photo weighs in Chromium, on phones at 1x, 2x and 3x and on a desktop.

The photo goes in as a practitioner's does (the editor's upload endpoint: cleaned, resized,
renditions recorded), the article is saved and published, and a real HTTP server in this process
answers Chromium. Every byte Chromium receives is counted: response bodies as sent (after
compression) plus response headers. Text answers are gzipped as production sends them
(WhiteNoise's gzip copies of the static files; the HTML gzipped by the front proxy, see
docs/deployment.md); images as stored. The server thread shares the caller's database
connection, so everything can stay inside a transaction that the caller rolls back.

Photos: a deliberately hard, noisy synthetic one (``noisy_photo``), and real photographs given by
path. docs/editor.md names the set we measure with (Debian's mate-backgrounds, GPL-2+).
"""

import datetime
import io
import shutil
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIServer
from django.db import close_old_connections, connections
from django.middleware.gzip import GZipMiddleware
from django.test import Client, override_settings
from django.test.testcases import QuietWSGIRequestHandler
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

# Real photographs shipped by Debian's mate-backgrounds package (apt-get install
# mate-backgrounds): twelve nature photos, 1280 to 2560 px wide, GPL-2+ (see its copyright file).
REAL_PHOTOS = Path("/usr/share/backgrounds/mate/nature")

SCREENS = {
    "phone 1x": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1},
    "phone 2x": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2},
    "phone 3x": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3},
    "desktop 1x": {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1},
}
PHONE_BUDGET = 60 * 1024
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def noisy_photo(width=2400, height=1800) -> bytes:
    """A photo-like JPEG that is harder to compress than real photos: gradients, shapes, blur and
    fine grain all over (its 1600 px JPEG is about 350 KB)."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    blotches = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    image = Image.blend(base, blotches.convert("RGB"), 0.45)
    draw = ImageDraw.Draw(image)
    for i in range(30):
        x, y = (i * 131) % width, (i * 97) % height
        draw.ellipse(
            [x, y, x + width // 8, y + height // 9],
            fill=((i * 40) % 255, (i * 70) % 255, (i * 15) % 255),
        )
    image = image.filter(ImageFilter.GaussianBlur(2))
    image = Image.blend(image, Image.effect_noise((width, height), 12).convert("RGB"), 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def real_photos() -> dict[str, bytes]:
    """The real photographs, if the package is installed; every one of them, none chosen."""
    if not REAL_PHOTOS.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(REAL_PHOTOS.glob("*.jpg"))}


class TextGZipMiddleware(GZipMiddleware):
    """gzip for text only, as a front proxy does (Django's own would gzip images too)."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(_TEXT_TYPES):
            return super().process_response(request, response)
        return response


class _Server(threading.Thread):
    """One WSGI server thread on a free port, using the caller's database connection.

    Single-threaded (Django then answers `Connection: close`): requests are handled one after the
    other, so the shared connection is never used by two threads at once.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.ready = threading.Event()
        self.shared = connections["default"]

    def run(self):
        connections["default"] = self.shared
        self.httpd = WSGIServer(
            ("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False
        )
        self.httpd.set_app(WSGIHandler())
        self.ready.set()
        self.httpd.serve_forever()

    def __enter__(self):
        # As Django's test client does: the connection must outlive each request, since it holds
        # the caller's transaction.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.shared.inc_thread_sharing()
        self.start()
        self.ready.wait()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.join()
        self.shared.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def publish_article(client: Client, author, photo: bytes, name: str, text: str):
    """Upload the photo through the editor's endpoint and publish an article showing it."""
    from blog.models import Post
    from clinic.pages.publishing import Status

    upload = SimpleUploadedFile(name, photo, content_type="image/jpeg")
    response = client.post(reverse("markdownx_upload"), {"image": upload})
    assert response.status_code == 200, response.content[:300]
    image_code = response.json()["image_code"].replace("Describe this image", "A photograph")
    paragraphs = text.split("\n\n")
    body = "\n\n".join([*paragraphs[:2], image_code, *paragraphs[2:]])
    slug = f"weight-{Post.objects.count()}"
    return Post.objects.create(
        title="An article with one photo",
        slug=slug,
        author=author,
        body=body,
        status=Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )


def weigh(browser, url: str, screen: dict) -> dict:
    """Load the page once in a fresh context (empty cache); count what Chromium received."""
    context = browser.new_context(
        **screen, is_mobile=screen["viewport"]["width"] < 800, has_touch=True
    )
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    rows = []
    for response in responses:
        sizes = response.request.sizes()
        rows.append(
            {
                "url": response.url.removeprefix(url.split("/blog/")[0]),
                "type": response.headers.get("content-type", "").split(";")[0],
                "encoding": response.headers.get("content-encoding", ""),
                "body": sizes["responseBodySize"],
                "headers": sizes["responseHeadersSize"],
            }
        )
    assert responses and responses[0].status == 200, [(r.url, r.status) for r in responses]
    shown = page.evaluate("document.querySelector('.prose img').currentSrc")
    context.close()
    return {
        "total": sum(row["body"] + row["headers"] for row in rows),
        "image": sum(row["body"] for row in rows if row["type"].startswith("image/")),
        "text": sum(row["body"] for row in rows if row["type"].startswith(_TEXT_TYPES)),
        "headers": sum(row["headers"] for row in rows),
        "rendition": shown.rsplit("/", 1)[-1].split("-", 1)[-1],
        "responses": rows,
    }


def measure(photos: dict[str, bytes], *, user, author, text: str, screens=SCREENS) -> dict:
    """{photo name: {screen: weight}} for an article with that one photo."""
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(user)
    media = tempfile.mkdtemp(prefix="bench-media-")
    middleware = ["clinic.bench.page_weight.TextGZipMiddleware", *settings.MIDDLEWARE]
    report = {}
    try:
        with override_settings(
            MEDIA_ROOT=media, MIDDLEWARE=middleware, UPLOAD_RATE_PER_MINUTE=10_000
        ):
            # All database work first: the test client reconnects Django's close-the-connection
            # signals the server must keep off, and Playwright's sync API runs an event loop in
            # this thread, where Django refuses to touch the database.
            paths = {
                name: publish_article(client, author, photo, name, text).get_absolute_url()
                for name, photo in photos.items()
            }
            with _Server() as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for name, path in paths.items():
                    report[name] = {
                        screen: weigh(browser, f"{base}{path}", screens[screen])
                        for screen in screens
                    }
                browser.close()
    finally:
        shutil.rmtree(media, ignore_errors=True)
    return report
