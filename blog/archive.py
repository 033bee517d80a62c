"""
How many articles each month holds, kept on save, so that no list counts or scans articles.

`ArchiveMonth` stores, per month (in the site's time zone), how many articles have the status
"published", for the whole blog and for each tag. Articles scheduled for later are counted in
their future month; reading never looks at the current month's row or later ones, so they appear
when their time comes without anything being written:

- every month before the current one is read from its row (all its published articles are
  visible now);
- the current month is counted live, among articles published since its first day (an index
  range, one month of articles at most).

From these lists (`visible_months`), the blog index, tag pages, archives and the sitemap get
their counts, their years and months, and the position of any page (`MonthPaginator` reads a
page from the month its first article falls in, so page 900 costs what page 2 does).

The counts are recounted from the articles themselves, never incremented, in the transaction
that changes an article's status or date (`pre_save`/`post_save`), its tags (`m2m_changed`) or
deletes it (`pre_delete`/`post_delete`): the workflow's steps, the admin's bulk actions, imports
and restores all save through these. The rows recounted are locked first, so two publications
in one month at the same instant each count the other. Bulk writes that skip signals
(`bulk_create`, `QuerySet.update`) call `rebuild()` afterwards, as generate_bench_data does;
a command that writes many articles at once may pause the upkeep (`paused()`) and rebuild.
Months are in the site's time zone (TIME_ZONE); after changing it, recount them all:
`manage.py shell -c "from blog import archive; archive.rebuild()"`.
"""

import contextlib
import contextvars
import datetime
from itertools import groupby

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.functional import cached_property

from clinic.pages.publishing import Status

# (month's first day, number of visible articles), newest first.
Months = list[tuple[datetime.date, int]]


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def month_start(month: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime(month.year, month.month, 1), timezone.get_default_timezone()
    )


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_range(month: datetime.date) -> dict:
    """The filter for articles published in `month` (an index range)."""
    return {
        "published_at__gte": month_start(month),
        "published_at__lt": month_start(next_month(month)),
    }


# --- Reading ---------------------------------------------------------------------------------


def visible_months(tag=None) -> dict:
    """{None: the blog's months, tag.pk: the tag's months}, each newest first, in two queries."""
    from blog.models import ArchiveMonth, Post

    current = month_of(timezone.now())
    tags = [None] if tag is None else [None, tag.pk]
    rows = (
        ArchiveMonth.objects.filter(Q(tag=None) | Q(tag__in=tags[1:]), month__lt=current)
        .filter(count__gt=0)
        .order_by("tag_id", "-month")
        .values_list("tag_id", "month", "count")
    )
    counts = {"blog": Count("pk")}
    if tag is not None:
        tagged = Post.tags.through.objects.filter(post=OuterRef("pk"), tag=tag)
        counts["tag"] = Count("pk", filter=Exists(tagged))
    live = Post.objects.published().filter(published_at__gte=month_start(current))
    now = live.aggregate(**counts)
    months = {key: [] for key in tags}
    for key, name in zip(tags, counts, strict=True):
        if now[name]:
            months[key].append((current, now[name]))
    for key, group in groupby(rows, key=lambda row: row[0]):
        months[key].extend((month, count) for _, month, count in group)
    return months


def stored_months(limit=600) -> Months:
    """The blog's newest `limit` stored (month, count) rows up to this month, newest first.

    This month's row counts its scheduled articles too: for estimates, not for what is shown."""
    from blog.models import ArchiveMonth

    current = month_of(timezone.now())
    rows = ArchiveMonth.objects.filter(tag=None, month__lte=current, count__gt=0)
    return list(rows.order_by("-month").values_list("month", "count")[:limit])


def years(months: Months) -> list[datetime.date]:
    """The years that have visible articles, newest first (as dates, like QuerySet.dates())."""
    return [datetime.date(year, 1, 1) for year in dict.fromkeys(m.year for m, _ in months)]


class MonthPaginator(Paginator):
    """A paginator over articles newest first that counts from `months` instead of the table,
    and reads each page from the month its first article falls in: an OFFSET of at most one
    month's articles, whatever the page number."""

    def __init__(self, object_list, per_page, *, months: Months, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.months = months

    @cached_property
    def count(self):
        return sum(count for _, count in self.months)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        objects, skipped = self.object_list, 0
        for month, count in self.months:
            if skipped + count > bottom:
                break
            skipped += count
            # Every article of this month and the newer ones comes before this page.
            objects = self.object_list.filter(published_at__lt=month_start(month))
        return self._get_page(objects[bottom - skipped : top - skipped], number, self)


# --- Keeping the counts ----------------------------------------------------------------------


def refresh(months, tag_ids=()) -> None:
    """Recount the blog's and these tags' articles in these months, rows locked first."""
    from blog.models import ArchiveMonth, Post

    months, tag_ids = sorted(set(months)), sorted(set(tag_ids))
    if not months or _paused.get():
        return
    keys = [(None, month) for month in months] + [(t, m) for t in tag_ids for m in months]
    with transaction.atomic():
        ArchiveMonth.objects.bulk_create(
            [ArchiveMonth(tag_id=tag_id, month=month) for tag_id, month in keys],
            ignore_conflicts=True,
        )
        rows = list(
            ArchiveMonth.objects.select_for_update()
            .filter(Q(tag=None) | Q(tag__in=tag_ids), month__in=months)
            .order_by("tag_id", "month")
        )
        counts = {}
        for month in months:
            in_month = Post.objects.filter(status=Status.PUBLISHED, **month_range(month))
            counts[None, month] = in_month.count()
            if tag_ids:
                per_tag = (
                    Post.tags.through.objects.filter(post__in=in_month, tag_id__in=tag_ids)
                    .values_list("tag_id")
                    .annotate(count=Count("pk"))
                )
                counts.update(((tag_id, month), count) for tag_id, count in per_tag)
        for row in rows:
            row.count = counts.get((row.tag_id, row.month), 0)
        ArchiveMonth.objects.bulk_update(rows, ["count"])


def rebuild(Post=None, ArchiveMonth=None) -> None:  # models, or a migration's
    """Recount every month from the articles: after writes that send no signals."""
    if Post is None:
        from blog.models import ArchiveMonth, Post

    month = TruncMonth("published_at", tzinfo=timezone.get_default_timezone())
    counted = Post.objects.filter(status=Status.PUBLISHED, published_at__isnull=False)
    blog = counted.annotate(month=month).values_list("month").annotate(count=Count("pk"))
    links = Post.tags.through.objects.filter(post__in=counted)
    tags = (
        links.annotate(
            month=TruncMonth("post__published_at", tzinfo=timezone.get_default_timezone())
        )
        .values_list("tag_id", "month")
        .annotate(count=Count("pk"))
    )
    rows = [ArchiveMonth(month=month_of(when), count=count) for when, count in blog]
    rows += [ArchiveMonth(tag_id=tag, month=month_of(when), count=n) for tag, when, n in tags]
    with transaction.atomic():
        ArchiveMonth.objects.all().delete()
        ArchiveMonth.objects.bulk_create(rows, batch_size=1000)


_paused = contextvars.ContextVar("archive_paused", default=False)


@contextlib.contextmanager
def paused():
    """No recounting inside the block (for bulk writes that call rebuild() at the end)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


def _counted_month(status, published_at):
    """The month whose count includes an article in this state, if any."""
    if status == Status.PUBLISHED and published_at is not None:
        return month_of(published_at)
    return None


def touches_counts(update_fields) -> bool:
    return update_fields is None or bool({"status", "published_at"} & set(update_fields))


def _before_save(sender, instance, update_fields=None, **kwargs):
    instance._archive_month = instance._archive_old = None
    if instance.pk is not None and touches_counts(update_fields) and not _paused.get():
        old = sender.objects.filter(pk=instance.pk).values_list("status", "published_at").first()
        # (status, published_at) as stored: blog/condition_articles.py compares them too.
        instance._archive_old = old
        instance._archive_month = _counted_month(*old) if old else None


def _saved(sender, instance, created, update_fields=None, **kwargs):
    if not touches_counts(update_fields):
        return
    before = getattr(instance, "_archive_month", None)
    after = _counted_month(instance.status, instance.published_at)
    if before == after:
        return  # counted in the same month as before, or not at all
    tag_ids = [] if created else list(instance.tags.values_list("pk", flat=True))
    refresh({month for month in (before, after) if month}, tag_ids)


def _before_delete(sender, instance, **kwargs):
    if _paused.get():
        return
    month = _counted_month(instance.status, instance.published_at)
    instance._archive_deleted = month and (month, list(instance.tags.values_list("pk", flat=True)))


def _deleted(sender, instance, **kwargs):
    if getattr(instance, "_archive_deleted", None):
        month, tag_ids = instance._archive_deleted
        refresh([month], tag_ids)


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from blog.models import Post

    if _paused.get():
        return
    if action == "pre_clear":
        # The links are gone by post_clear: remember whose counts they were in.
        related = instance.posts if reverse else instance.tags
        instance._archive_cleared = list(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = getattr(instance, "_archive_cleared", []) if action == "post_clear" else pk_set or ()
    if not reverse:  # article.tags.add(...): this article's month, these tags
        month = _counted_month(instance.status, instance.published_at)
        if month:
            refresh([month], ids)
    else:  # tag.posts.add(...): these articles' months, this tag
        dates = Post.objects.filter(pk__in=ids).values_list("status", "published_at")
        months = {_counted_month(status, when) for status, when in dates} - {None}
        refresh(months, [instance.pk])


def connect():
    from blog.models import Post

    pre_save.connect(_before_save, sender=Post, dispatch_uid="blog_archive_before_save")
    post_save.connect(_saved, sender=Post, dispatch_uid="blog_archive_saved")
    pre_delete.connect(_before_delete, sender=Post, dispatch_uid="blog_archive_before_delete")
    post_delete.connect(_deleted, sender=Post, dispatch_uid="blog_archive_deleted")
    m2m_changed.connect(_tags_changed, sender=Post.tags.through, dispatch_uid="blog_archive_tags")
