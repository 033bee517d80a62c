"""The old site's image host for tests: a small HTTP server on 127.0.0.1, never the network."""

import contextlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@contextlib.contextmanager
def serving():
    """Yields the server's base address. ``…/needles.jpg`` is a JPEG, ``…/broken.jpg`` is
    HTML pretending to be an image, anything else answers 404."""
    body = jpeg()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith("needles.jpg"):
                self.answer(200, body)
            elif self.path.endswith("broken.jpg"):
                self.answer(200, b"<html><script>alert(1)</script></html>")
            else:
                self.answer(404, b"")

        def answer(self, status, content):
            self.send_response(status)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
