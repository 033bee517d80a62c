"""The same security headers on every answer: pages rendered and replayed from the page cache,
304s, static files, media, error pages, the 400 for a host we do not serve, health checks and
the admin. Through the real WSGI entry point (clinic.wsgi), whose fast path answers stored pages
before Django builds a request."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from clinic.lib import images
from clinic.ops.media import MEDIA_CSP
from tests import factories
from tests.ops.wsgi import wsgi_get
from tests.samples import phone_photo

pytestmark = pytest.mark.usefixtures("clinic")

SECURITY_HEADERS = {
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "permissions-policy",
    "x-frame-options",
}


def database_gone(execute, sql, params, many, context):
    raise OperationalError("connection refused")


def security(headers):
    found = {name: value for name, value in headers.items() if name in SECURITY_HEADERS}
    found |= {n: v for n, v in headers.items() if n == "strict-transport-security"}
    if found.get("content-security-policy") == MEDIA_CSP:
        found["content-security-policy"] = "(media)"
    elif "content-security-policy" in found:  # the admin's nonce differs per answer
        found["content-security-policy"] = re.sub(
            r" 'nonce-[^']+'", "", found["content-security-policy"]
        )
    return found


def answers(scheme, settings):
    settings.PAGE_CACHE_SECONDS = 600
    post = factories.PostFactory()
    upload = SimpleUploadedFile("photo.jpg", phone_photo(400, 300))
    stored = images.store_image(images.clean_image(upload), folder="uploads")
    url = post.get_absolute_url()
    got = {}
    got["page, rendered"] = wsgi_get(url, scheme=scheme)
    got["page, from the page cache"] = wsgi_get(url, scheme=scheme)
    assert got["page, from the page cache"][1]["x-page-cache"] == "hit"
    etag = got["page, rendered"][1]["etag"]
    got["304"] = wsgi_get(url, scheme=scheme, headers={"If-None-Match": etag})
    got["static file"] = wsgi_get("/static/css/site.css", scheme=scheme)
    got["media file"] = wsgi_get(stored.url, scheme=scheme)
    got["404 page"] = wsgi_get("/no-such-page/", scheme=scheme)
    with connection.execute_wrapper(database_gone):
        got["503 page"] = wsgi_get("/blog/", scheme=scheme, headers={"Cookie": "sessionid=x"})
    got["400 bad host"] = wsgi_get(url, scheme=scheme, host="evil.example")
    got["health check"] = wsgi_get("/readyz", scheme=scheme)
    got["admin log-in"] = wsgi_get("/admin/login/", scheme=scheme)
    expected_status = {"304": 304, "404 page": 404, "503 page": 503, "400 bad host": 400}
    for name, (status, _, _) in got.items():
        assert status == expected_status.get(name, 200), name
    return {name: security(headers) for name, (_, headers, _) in got.items()}


def assert_all_the_same(found, expected_names):
    assert found.pop("media file").pop("content-security-policy") == "(media)"  # stricter
    policies = {name: headers.pop("content-security-policy") for name, headers in found.items()}
    reference = found["page, rendered"]
    assert set(reference) | {"content-security-policy"} == expected_names
    for name, headers in found.items():
        assert headers == reference, name
        assert policies[name] == policies["page, rendered"], name


def test_every_answer_carries_the_same_security_headers(settings):
    assert_all_the_same(answers("http", settings), SECURITY_HEADERS)


def test_with_https_every_answer_also_carries_hsts(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    found = answers("https", settings)
    assert_all_the_same(found, SECURITY_HEADERS | {"strict-transport-security"})
