"""Which articles search looks in for words in the body: the newest WINDOW, kept on save.

`Post.in_search_window` is true for the WINDOW newest visible articles and for every scheduled
one (they join it when their time comes). On PostgreSQL a partial GIN index over the full-text
vectors of those rows only (migration blog 0014) lets a search find "the newest articles with
these words anywhere" among at most a few thousand rows, at any size of blog: an index over all
of them returns every match of a common word (39,000 of 100,000 articles for "pain") before the
newest can be chosen. Words in the title or summary are found among all articles (see
clinic/site/search.py).

The flags change with an article's status or date and when one is deleted (signals below; once
at the end of an import, `updated_once()`), and after bulk writes that send none (`update()`,
called by `archive.rebuild()`).
"""

import contextlib
import contextvars

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from blog import archive
from clinic.pages.publishing import Status

WINDOW = 2_000


def update(Post=None) -> None:  # the model, or a migration's
    """Set `in_search_window` on the rows that should have it and clear it on the others."""
    if Post is None:
        from blog.models import Post
    live = Post.objects.filter(status=Status.PUBLISHED, published_at__isnull=False)
    newest = live.filter(published_at__lte=timezone.now()).order_by("-published_at")
    oldest = newest.values_list("published_at", flat=True)[WINDOW - 1 : WINDOW].first()
    inside = Q(status=Status.PUBLISHED, published_at__isnull=False)
    if oldest is not None:
        inside &= Q(published_at__gte=oldest)
    Post.objects.filter(in_search_window=True).exclude(inside).update(in_search_window=False)
    Post.objects.filter(inside, in_search_window=False).update(in_search_window=True)


_deferred = contextvars.ContextVar("search_window_deferred", default=None)


@contextlib.contextmanager
def updated_once():
    """Saves inside the block note that the window may have moved, and it is set once at the
    end (an import of many articles)."""
    if _deferred.get() is not None:
        yield
        return
    moved = []
    token = _deferred.set(moved)
    try:
        yield
    finally:
        _deferred.reset(token)
        if moved:
            update()


def _moved() -> None:
    deferred = _deferred.get()
    if deferred is None:
        update()
    else:
        deferred.append(True)


def _saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    # A fixture or a restored backup (raw) brings its rows' flags as they were.
    if raw or archive.is_paused() or not archive.touches_counts(update_fields):
        return
    state = (instance.status, instance.published_at)
    # (status, published_at) as stored before the save, read by blog/archive.py's pre_save.
    unchanged = state == getattr(instance, "_archive_old", None)
    if unchanged or (created and state[0] != Status.PUBLISHED):
        return
    _moved()


def _deleted(sender, instance, **kwargs):
    if instance.in_search_window and not archive.is_paused():
        _moved()


def connect():
    from blog.models import Post

    post_save.connect(_saved, sender=Post, dispatch_uid="blog_search_window_saved")
    post_delete.connect(_deleted, sender=Post, dispatch_uid="blog_search_window_deleted")
