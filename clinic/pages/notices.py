"""Notes other apps show at the top of a page's admin change form.

The core does not know the apps above it (the blog import, for one): each registers a function
from its `AppConfig.ready()` that takes the request and the page and returns notes, as
(message, link) pairs; the link is empty when the person may not follow it. `PublishableAdmin`
shows them above the form.
"""

from collections.abc import Callable

_sources: list[Callable] = []


def register(source: Callable) -> None:
    if source not in _sources:
        _sources.append(source)


def for_page(request, page) -> list[tuple[str, str]]:
    if page is None or page.pk is None:
        return []
    return [note for source in _sources for note in source(request, page)]
