"""Uploaded images served by the app servers, when media live on local disk (the default).

Why a Django view: with one server and local media (`make serve`) nothing else is there to serve
them, and WhiteNoise only serves files it found at start-up, not uploads made since. Django's
`django.views.static.serve` does the file work (a safe path join, so `../` cannot leave
MEDIA_ROOT; If-Modified-Since; a streamed FileResponse that gunicorn sends with sendfile). Around
it this view adds what production needs:

- only the image types the upload pipeline writes (every upload is re-encoded from its pixels,
  clinic/lib/images.py); anything else is 404, whatever sits in the folder;
- `Cache-Control: public, max-age=31536000, immutable`: uploads get a random name and are never
  overwritten, so a name always means the same bytes;
- a Content-Security-Policy that forbids everything but showing the image, with `sandbox`;
  `nosniff` and the other headers come from clinic.ops.headers like on every answer.

When the site grows, let the web server serve MEDIA_ROOT (e.g. nginx `location /media/`) or
move media to S3 (AWS_STORAGE_BUCKET_NAME); docs/deployment.md shows both.
"""

import posixpath

from django.conf import settings
from django.http import Http404, HttpResponseNotFound
from django.views.static import serve

IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"
ONE_YEAR = 31_536_000


def media(request, path):
    content_type = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
    try:
        if content_type is None:
            raise Http404
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        # A plain answer: an image tag has no use for the site's 404 page (nor its queries).
        response = HttpResponseNotFound("Not found", content_type="text/plain")
    if response.status_code == 200:
        response["Content-Type"] = content_type
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
