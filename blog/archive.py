"""
How many articles each month holds, kept on save, so that no list counts or scans articles.

`ArchiveMonth` stores, per month (in the site's time zone), how many articles have the status
"published", for the whole blog and for each tag; `ArchiveYear` rolls a year's months up into
one row (the twelve counts and their total), so that lists read a row per year: a blog spanning
80 years is 80 rows, not 960. Articles scheduled for later are counted in their future month;
reading never uses the current month's count or later ones, so they appear when their time
comes without anything being written:

- every month before the current one is read from its year's row (all its published articles
  are visible now);
- the current month is counted live, among articles published since its first day (an index
  range, one month of articles at most).

From these lists (`visible_years`), the blog index, tag pages, archives and the sitemap get
their counts, their years and months, and the position of any page (`MonthPaginator` skips
whole years, then months, and reads a page from the month its first article falls in, so page
900 costs what page 2 does).

The counts are recounted from the articles themselves, never incremented, in the transaction
that changes an article's status or date (`pre_save`/`post_save`), its tags (`m2m_changed`) or
deletes it (`pre_delete`/`post_delete`): the workflow's steps, the admin's bulk actions, imports
and restores all save through these. The rows recounted are locked first, so two publications
in one month at the same instant each count the other; the year rows are locked before the
month rows, so that two saves in different months of one year do not both sum the year before
either commits. Bulk writes that skip signals
(`bulk_create`, `QuerySet.update`) call `rebuild()` afterwards, as generate_bench_data does;
a command that writes many articles at once may pause the upkeep (`paused()`) and rebuild.
Months are in the site's time zone (TIME_ZONE); after changing it, recount them all:
`manage.py shell -c "from blog import archive; archive.rebuild()"`.
"""

import contextlib
import contextvars
import datetime
import json
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast, TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.functional import cached_property

from clinic.pages.publishing import Status


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


@dataclass
class Year:
    """A year's visible articles: their number, and per month (twelve counts, January first).

    The months may be given as the stored JSON text: they are decoded only for the year a page
    starts in, not for each of an 80-year blog's years."""

    year: int
    count: int
    stored_months: str | list[int]

    @cached_property
    def months(self) -> list[int]:
        if isinstance(self.stored_months, str):
            return json.loads(self.stored_months)
        return self.stored_months

    def newest_first(self):
        """(month's first day, count) from December back to January."""
        for index in range(11, -1, -1):
            yield datetime.date(self.year, index + 1, 1), self.months[index]


# Years with visible articles, newest first.
Years = list[Year]


def visible_years(tag=None, year=None) -> dict:
    """{None: the blog's years, tag.pk: the tag's years}, each newest first, in two queries: the
    stored year rows (only `year`'s, if given) and this month's live count."""
    from blog.models import ArchiveYear, Post

    current = month_of(timezone.now())
    keys = [None] if tag is None else [None, tag.pk]
    rows = ArchiveYear.objects.filter(
        Q(tag=None) | Q(tag__in=keys[1:]), year__lte=current.year, count__gt=0
    )
    if year is not None:
        rows = rows.filter(year=year)
    months_text = Cast("months", TextField())  # decoded only where needed (Year.months)
    rows = rows.order_by("-year").values_list("tag_id", "year", "count", months_text)
    counts = {"blog": Count("pk")}
    if tag is not None:
        tagged = Post.tags.through.objects.filter(post=OuterRef("pk"), tag=tag)
        counts["tag"] = Count("pk", filter=Exists(tagged))
    live = Post.objects.published().filter(published_at__gte=month_start(current))
    now = live.aggregate(**counts)
    now = {key: now[name] for key, name in zip(keys, counts, strict=True)}
    years = {key: [] for key in keys}
    for tag_id, number, count, stored in rows:
        if number == current.year:
            # Only the months before this one are all visible; this one is counted live.
            months = json.loads(stored)[: current.month - 1]
            months += [now.pop(tag_id)] + [0] * (12 - current.month)
            count, stored = sum(months), months
        if count:
            years[tag_id].append(Year(number, count, stored))
    for key, count in now.items():  # published this month, but no row yet (counting paused)
        if count and year in (None, current.year):
            months = [0] * 12
            months[current.month - 1] = count
            years[key].insert(0, Year(current.year, count, months))
    return years


class MonthPaginator(Paginator):
    """A paginator over articles newest first that counts from `years` instead of the table,
    and reads each page from the month its first article falls in: an OFFSET of at most one
    month's articles, whatever the page number."""

    def __init__(self, object_list, per_page, *, years: Years, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.years = years

    @cached_property
    def count(self):
        return sum(year.count for year in self.years)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        objects, skipped = self.object_list, 0
        # Whole years, then whole months, that come before this page: every article of
        # these and the newer ones is skipped by date, not by OFFSET.
        for year in self.years:
            if skipped + year.count > bottom:
                for month, count in year.newest_first():
                    if skipped + count > bottom:
                        break
                    skipped += count
                    objects = self.object_list.filter(published_at__lt=month_start(month))
                break
            skipped += year.count
            objects = self.object_list.filter(
                published_at__lt=month_start(datetime.date(year.year, 1, 1))
            )
        return self._get_page(objects[bottom - skipped : top - skipped], number, self)


# --- Keeping the counts ----------------------------------------------------------------------


def refresh(months, tag_ids=()) -> None:
    """Recount the blog's and these tags' articles in these months and roll their years up,
    rows locked first (years, then months)."""
    from blog.models import ArchiveMonth, ArchiveYear, Post

    months, tag_ids = sorted(set(months)), sorted(set(tag_ids))
    if not months or _paused.get():
        return
    keys = [(None, month) for month in months] + [(t, m) for t in tag_ids for m in months]
    years = sorted({month.year for month in months})
    with transaction.atomic():
        ArchiveYear.objects.bulk_create(
            [ArchiveYear(tag_id=tag, year=year) for tag in [None, *tag_ids] for year in years],
            ignore_conflicts=True,
        )
        year_rows = list(
            ArchiveYear.objects.select_for_update()
            .filter(Q(tag=None) | Q(tag__in=tag_ids), year__in=years)
            .order_by("tag_id", "year")
        )
        ArchiveMonth.objects.bulk_create(
            [ArchiveMonth(tag_id=tag_id, month=month) for tag_id, month in keys],
            ignore_conflicts=True,
        )
        # Every month row of these years: the ones recounted below, and the others that their
        # years' totals are summed from (no one else writes those while the years are locked).
        in_years = Q()
        for year in years:
            in_years |= Q(
                month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1)
            )
        rows = list(
            ArchiveMonth.objects.select_for_update()
            .filter(Q(tag=None) | Q(tag__in=tag_ids), in_years)
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
        recounted = [row for row in rows if row.month in months]
        for row in recounted:
            row.count = counts.get((row.tag_id, row.month), 0)
        ArchiveMonth.objects.bulk_update(recounted, ["count"])
        rolled = {(row.tag_id, row.year): row.months for row in roll_up(rows, ArchiveYear)}
        for row in year_rows:
            row.months = rolled.get((row.tag_id, row.year), [0] * 12)
            row.count = sum(row.months)
        ArchiveYear.objects.bulk_update(year_rows, ["months", "count"])


def roll_up(month_rows, ArchiveYear) -> list:
    """Unsaved ArchiveYear rows holding these ArchiveMonth rows' counts, a row per tag and year."""
    years = {}
    for row in month_rows:
        months = years.setdefault((row.tag_id, row.month.year), [0] * 12)
        months[row.month.month - 1] = row.count
    return [
        ArchiveYear(tag_id=tag_id, year=year, months=months, count=sum(months))
        for (tag_id, year), months in years.items()
    ]


def rebuild(Post=None, ArchiveMonth=None, ArchiveYear=None) -> None:  # models, or a migration's
    """Recount every month from the articles and roll up the years, and set which articles are
    in search's window (blog/search_window.py): after writes that send no signals. (Migration
    blog 0010 predates the years: it passes no ArchiveYear.)"""
    live = Post is None
    if live:
        from blog.models import ArchiveMonth, ArchiveYear, Post

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
        if ArchiveYear is not None:
            ArchiveYear.objects.all().delete()
            ArchiveYear.objects.bulk_create(roll_up(rows, ArchiveYear), batch_size=1000)
    if live:
        from blog import search_window

        search_window.update()


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
