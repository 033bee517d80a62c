"""
The newest articles of each condition page, kept on save, so the page reads a dozen rows by id.

A condition page lists its six newest published articles. Found at view time, that is a join
ordered by a column of the other table: PostgreSQL either walks every article newest first
until six of this page's turn up, or reads all of this page's articles and sorts them, and both
grow with the number of articles (54 ms at 100,000). Instead `Condition.article_ids` holds the
newest ARTICLES_STORED articles with status "published" (scheduled ones included, newest first),
recounted in the transaction that changes an article's status or date, its condition pages, or
deletes it; the condition's row is locked first, so two saves at the same instant both land.
The page (conditions/views.py) shows those of them that `published()` lets through now, and
only when a full list holds too few of them (many still scheduled) asks the articles themselves.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from clinic.pages.publishing import Status


def refresh(condition_ids) -> None:
    """Store the newest published articles of these condition pages."""
    from blog.models import Post
    from conditions.models import Condition

    with transaction.atomic():
        for condition_id in sorted(set(condition_ids)):
            locked = Condition.objects.select_for_update().filter(pk=condition_id)
            if not locked.values_list("pk", flat=True):
                continue  # deleted meanwhile
            ids = list(
                Post.objects.filter(
                    status=Status.PUBLISHED, published_at__isnull=False, conditions=condition_id
                )
                .order_by("-published_at", "-created_at")
                .values_list("pk", flat=True)[: Condition.ARTICLES_STORED]
            )
            locked.update(article_ids=ids)


def rebuild() -> None:
    """Every condition page's list: after writes that send no signals."""
    from conditions.models import Condition

    refresh(Condition.objects.values_list("pk", flat=True))


def _state(post):
    return (post.status, post.published_at)


def _saved(sender, instance, created, update_fields=None, **kwargs):
    from blog import archive

    if created or not archive.touches_counts(update_fields) or archive.is_paused():
        return
    if getattr(instance, "_archive_old", None) != _state(instance):
        refresh(instance.conditions.values_list("pk", flat=True))


def _before_delete(sender, instance, **kwargs):
    instance._condition_ids = list(instance.conditions.values_list("pk", flat=True))


def _deleted(sender, instance, **kwargs):
    from blog import archive

    if not archive.is_paused():
        refresh(getattr(instance, "_condition_ids", []))


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from blog import archive

    if archive.is_paused():
        return
    if action == "pre_clear" and not reverse:
        instance._condition_ids = list(instance.conditions.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        refresh([instance.pk] if reverse else pk_set or ())
    elif action == "post_clear":
        refresh([instance.pk] if reverse else getattr(instance, "_condition_ids", []))


def connect():
    from blog.models import Post

    post_save.connect(_saved, sender=Post, dispatch_uid="blog_condition_articles_saved")
    pre_delete.connect(_before_delete, sender=Post, dispatch_uid="blog_condition_articles_pre")
    post_delete.connect(_deleted, sender=Post, dispatch_uid="blog_condition_articles_deleted")
    m2m_changed.connect(
        _links_changed, sender=Post.conditions.through, dispatch_uid="blog_condition_articles"
    )
