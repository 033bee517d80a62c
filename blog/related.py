"""
Related articles, computed when an article or its tags and condition pages change, not per view.

Each article stores `related_ids`: up to STORED ids of other articles with status "published"
(scheduled ones included) that share the most tags and condition pages with it, most shared
first, then the newest. The article page shows the first few of them that `published()` still
lets through, so an unpublished or not-yet-due article never appears, and fills the rest with
the newest published articles, all in one query whose cost does not grow with the number of
articles (blog.views.related_posts).

Saving an article (publishing, unpublishing, editing) or changing its tags or condition pages
refreshes its own list and those of a bounded set of articles it affects: the ones in its old
and new lists. Sharing is symmetric, so these are the articles whose lists it most likely
enters or leaves; an article further away keeps its list until it is saved itself, and a hidden
article in a stale list is filtered out when shown.
"""

import contextlib
import contextvars

from django.db import connection
from django.db.models.signals import m2m_changed, post_save

from clinic.pages.publishing import Status

STORED = 12


def candidates(post_id: int, limit: int = STORED) -> list[int]:
    """Ids of published articles sharing tags or condition pages with `post_id`, best first."""
    from blog.models import Post

    post_table = connection.ops.quote_name(Post._meta.db_table)
    tags = connection.ops.quote_name(Post.tags.through._meta.db_table)
    conditions = connection.ops.quote_name(Post.conditions.through._meta.db_table)
    # Only link rows of this article's own tags and conditions are read (their indexes).
    sql = f"""
        SELECT shared.post_id FROM (
            SELECT post_id FROM {tags}
             WHERE tag_id IN (SELECT tag_id FROM {tags} WHERE post_id = %s)
            UNION ALL
            SELECT post_id FROM {conditions}
             WHERE condition_id IN (SELECT condition_id FROM {conditions} WHERE post_id = %s)
        ) shared
        JOIN {post_table} post ON post.id = shared.post_id
        WHERE post.id <> %s AND post.status = %s
        GROUP BY shared.post_id, post.published_at
        ORDER BY COUNT(*) DESC, post.published_at DESC, shared.post_id DESC
        LIMIT %s
    """  # noqa: S608 (table names come from the models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [post_id, post_id, post_id, Status.PUBLISHED, limit])
        return [row[0] for row in cursor.fetchall()]


def refresh(post_id: int) -> list[int]:
    """Store the article's related list; return the ids it held before and holds now."""
    from blog.models import Post

    old = Post.objects.filter(pk=post_id).values_list("related_ids", flat=True).first()
    if old is None:
        return []
    new = candidates(post_id)
    if new != old:
        # update(), not save(): no signals, no re-render, no loop.
        Post.objects.filter(pk=post_id).update(related_ids=new)
    return list(dict.fromkeys([*old, *new]))


def refresh_with_affected(post_id: int) -> None:
    """Refresh this article and the articles in its old and new lists (at most 2 x STORED)."""
    for other in refresh(post_id):
        refresh(other)


# Inside refreshed_once(): the ids of the articles saved so far, refreshed when the block ends.
_deferred: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "related_deferred", default=None
)


@contextlib.contextmanager
def refreshed_once():
    """Many articles written in a row (a blog import): each one's list is refreshed once, when
    the block ends, and then each article they affect once, instead of all of them on every save
    and tag change (three times per imported article, with up to 24 others each time).

    The lists are refreshed even when the block ends with an error: what was committed before
    it keeps its lists right.
    """
    if _deferred.get() is not None:  # nested: the outer block refreshes
        yield
        return
    saved: set[int] = set()
    token = _deferred.set(saved)
    try:
        yield
    finally:
        _deferred.reset(token)
        affected = set()
        for post_id in sorted(saved):
            affected.update(refresh(post_id))
        for post_id in sorted(affected - saved):
            refresh(post_id)


def _changed(post_id: int) -> None:
    saved = _deferred.get()
    if saved is None:
        refresh_with_affected(post_id)
    else:
        saved.add(post_id)


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.pk)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _changed(instance.pk)
    else:
        # tag.posts.add(...): the articles named are the ones changed (none known on a clear).
        for post_id in pk_set or ():
            _changed(post_id)


def connect():
    from blog.models import Post

    post_save.connect(_saved, sender=Post, dispatch_uid="blog_related_saved")
    for through in (Post.tags.through, Post.conditions.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"blog_related_{through}")
