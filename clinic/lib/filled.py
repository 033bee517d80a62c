"""HTML rendered once per process with markers where values go, then filled on each call.

Some parts of public pages are the same markup every time but for a few values: a search
result (its address, title, date line and snippet), the question form under an article (its
signed time stamp and the page's token). Rendering them with Django's templates each time was
more than the rest of the request cost; replacing markers in a string is microseconds.

    result = Filled(lambda marks: render_to_string("clinic/search_result.html", marks),
                    {"url": Filled.marker("url"), ...})
    result.fill(url=..., title=...)

Values are put in as given (escape them first); all markers are replaced in one pass, so a
value that happens to hold another marker is never filled in again.
"""

import re
import threading
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe


class Filled:
    def __init__(self, render: Callable[[dict[str, str]], str], markers: dict[str, str]):
        """`render(markers)` gives the HTML with each marker where its value goes; it is called
        once, on the first fill(). A marker must come through rendering unchanged (no
        character escaping or quoting would change), see `marker()`."""
        self.render = render
        self.markers = markers
        self.names = {marker: name for name, marker in markers.items()}
        self.pattern = re.compile("|".join(re.escape(m) for m in markers.values()) or "(?!)")
        self._html: str | None = None
        self._lock = threading.Lock()

    @staticmethod
    def marker(name: str) -> SafeString:
        """A marker for templates: private-use characters around the name, which autoescaping
        leaves alone (not for URLs, which would quote them)."""
        return mark_safe(f"\ue010{name}\ue010")

    def html(self) -> str:
        if self._html is None:
            with self._lock:
                if self._html is None:
                    html = self.render(self.markers)
                    missing = [m for m in self.markers.values() if m not in html]
                    if missing:
                        raise ValueError(f"markers lost in rendering: {missing}")
                    self._html = html
        return self._html

    def fill(self, **values: str) -> SafeString:
        """The HTML with each marker replaced by its value (our templates' output and values
        the caller escaped)."""
        html = self.html()
        return mark_safe(self.pattern.sub(lambda found: values[self.names[found[0]]], html))
