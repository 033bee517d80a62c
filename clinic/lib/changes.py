"""Many writes, one content change.

The page cache (clinic.ops.cache) moves its generation whenever a row a page shows is saved:
at once, and again after the commit. A save that writes many rows (the admin's save of a page:
the page, its references, its tags) runs inside `one_change()` instead; the rows' saves then
only note that something changed, and when the block ends `changed` is sent once, which the
page cache answers by moving the generation once, after the commit.
"""

import contextlib
import contextvars

from django.dispatch import Signal

# Sent once at the end of a `one_change()` block in which content was saved.
changed = Signal()

_open: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "one_change", default=None
)


def in_one_change() -> bool:
    return _open.get() is not None


def note_change() -> None:
    """Inside `one_change()`: remember that content was saved (the block reports it once)."""
    noted = _open.get()
    if noted is not None:
        noted[0] = True


@contextlib.contextmanager
def one_change():
    if _open.get() is not None:  # nested: the outer block reports
        yield
        return
    noted = [False]
    token = _open.set(noted)
    try:
        yield
    finally:
        _open.reset(token)
    if noted[0]:
        changed.send(sender=None)
