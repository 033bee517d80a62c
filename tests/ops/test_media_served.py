"""Uploaded images under `make serve`: gunicorn with DEBUG off and media on local disk."""

import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.bench.management.commands.bench import Server, free_port
from clinic.lib import images
from clinic.ops.media import MEDIA_CSP
from tests.ops.test_servers import server_env
from tests.samples import phone_photo

pytestmark = pytest.mark.slow


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_an_uploaded_image_is_served_in_production(tmp_path):
    upload = SimpleUploadedFile("photo.jpg", phone_photo(400, 300))
    stored = images.store_image(images.clean_image(upload), folder="uploads")
    (settings.MEDIA_ROOT / "uploads" / "page.html").write_text("<script>alert(1)</script>")
    env = server_env(static_root=tmp_path / "static", redis_url="")
    env |= {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    # A 404 may look for a redirect from the old site: the database must exist.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    server = Server("clinic.wsgi:application", free_port(set()), env, 1)
    try:
        status, headers, body = fetch(server.url + stored.url)
        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert body == (settings.MEDIA_ROOT / stored.name).read_bytes()
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == MEDIA_CSP
        webp = next(r for r in stored.renditions if r["format"] == "webp")
        status, headers, _ = fetch(server.url + webp["url"])
        assert (status, headers["Content-Type"]) == (200, "image/webp")
        # Only images, and only inside MEDIA_ROOT.
        assert fetch(server.url + "/media/uploads/page.html")[0] == 404
        assert fetch(server.url + "/media/../clinic/settings.py")[0] == 404
        assert fetch(server.url + "/media/uploads/missing.jpg")[0] == 404
    finally:
        server.stop()
