import datetime
import functools

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView

from blog import archive, page_html
from blog.models import Post, Tag
from clinic.lib.prepared import Prepared
from clinic.ops.cache import fragment
from clinic.patients import views as patient_views
from clinic.patients.services import questions_open_since
from clinic.practice.models import ClinicSettings


def published_posts():
    return Post.objects.published().select_related("author")


class PostListView(ListView):
    """Newest first, ten a page; counted, paged and dated from the yearly totals
    (blog/archive.py), so no query reads more than a page of articles and a month's dates."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = 10
    tag = None

    def get_queryset(self):
        return published_posts()

    def get_years(self):
        """This list's years with their months' counts, newest first."""
        return self.all_years[None if self.tag is None else self.tag.pk]

    @cached_property
    def all_years(self):
        # Kept like a fragment (clinic/ops/cache.py) until content changes.
        key = f"archive-counts:tag:{self.tag.pk if self.tag else ''}"
        return fragment(key, lambda: archive.visible_years(self.tag))

    def get_paginator(self, queryset, per_page, **kwargs):
        return archive.MonthPaginator(queryset, per_page, years=self.get_years(), **kwargs)

    def get_context_data(self, **kwargs):
        links = year_links(year.year for year in self.all_years[None])
        return super().get_context_data(archive_years=links, **kwargs)


def year_links(years):
    """(year, its archive's URL) for each year, from one reverse(): a {% url %} per year cost
    ~3 ms of a blog index listing 80 years. The year is the URL's last path segment."""
    prefix, suffix = reverse("blog:archive_year", args=["0000"]).rsplit("0000", 1)
    return [(f"{year:04}", f"{prefix}{year:04}{suffix}") for year in years]


class TagView(PostListView):
    template_name = "blog/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return published_posts().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveView(PostListView):
    """An empty archive is a 404, found from the yearly totals (no extra query)."""

    def get(self, request, *args, **kwargs):
        # Four digits, but dates this far out cannot be computed with (or hold articles).
        if not 1000 <= int(kwargs["year"]) <= 9998:
            raise Http404("No articles in this period.")
        return super().get(request, *args, **kwargs)

    @cached_property
    def all_years(self):
        # Only this year's row.
        year = int(self.kwargs["year"])
        return fragment(f"archive-counts:year:{year}", lambda: archive.visible_years(year=year))

    def get_context_data(self, **kwargs):
        context = super(PostListView, self).get_context_data(**kwargs)
        if context["paginator"].count == 0:
            raise Http404("No articles in this period.")
        return context


class YearArchiveView(ArchiveView):
    template_name = "blog/archive_year.html"

    def get_queryset(self):
        self.year = int(self.kwargs["year"])
        start = datetime.date(self.year, 1, 1)
        return published_posts().filter(
            published_at__gte=archive.month_start(start),
            published_at__lt=archive.month_start(start.replace(year=self.year + 1)),
        )

    def get_context_data(self, **kwargs):
        months = sorted(month for year in self.get_years() for month, n in year.newest_first() if n)
        return super().get_context_data(
            year=datetime.date(self.year, 1, 1), months=months, **kwargs
        )


class MonthArchiveView(ArchiveView):
    template_name = "blog/archive_month.html"

    def get_queryset(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        if not 1 <= month <= 12:
            raise Http404("No such month.")
        self.month = datetime.date(year, month, 1)
        return published_posts().filter(**archive.month_range(self.month))

    def get_years(self):
        """The year with only this month's count."""
        index = self.month.month - 1
        years = []
        for year in super().get_years():
            months = [n if i == index else 0 for i, n in enumerate(year.months)]
            years.append(archive.Year(year.year, sum(months), months))
        return years

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.month, **kwargs)


def related_posts(post, limit=3, now=None):
    """The first `limit` of the article's stored related list that are visible now, then the
    newest published articles: each a dictionary of its `id`, `published_at` and stored
    `teaser_html` (blog/page_html.py), and `shared` (1 if it came from the stored list).

    One query, whatever the number of articles: the stored ids (blog/related.py keeps them on
    save) and the newest few, both through `published()`, so nothing hidden ever appears. Its
    SQL is compiled once per process and shape (clinic/lib/prepared.py).
    """
    stored = [pk for pk in post.related_ids if pk != post.pk]
    if limit not in _related:
        _related[limit] = Prepared(functools.partial(_related_articles, limit=limit))
    rows = _related[limit].values(post_id=post.pk, stored=stored, now=now or timezone.now())
    order = {pk: index for index, pk in enumerate(stored)}
    rows = sorted(
        rows, key=lambda row: (order.get(row["id"], len(order)), -row["published_at"].timestamp())
    )
    rows = rows[:limit]
    for row in rows:
        row["shared"] = int(row["id"] in order)
    missing = [row["id"] for row in rows if not row["teaser_html"]]
    if missing:  # written in bulk and never rendered (blog/page_html.py)
        page_html.refresh(missing)
        teasers = dict(Post.objects.filter(pk__in=missing).values_list("pk", "teaser_html"))
        for row in rows:
            row["teaser_html"] = teasers.get(row["id"], row["teaser_html"])
    return rows


_related: dict[int, Prepared] = {}


def _related_articles(*, post_id, stored, now, limit):
    published = Post.objects.published(at=now)
    newest = published.exclude(pk=post_id).order_by("-published_at", "-pk")[: limit + 1]
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: a UNION of two index scans; with OR it read the whole table (73 ms).
        ids = Post.objects.filter(pk__in=stored).values("pk").union(newest.values("pk"), all=True)
        condition = Q(pk__in=ids)
    else:
        # SQLite cannot limit inside a UNION; it answers this OR with two rowid lookups.
        condition = Q(pk__in=stored) | Q(pk__in=newest.values("pk"))
    return published.exclude(pk=post_id).filter(condition).only("published_at", "teaser_html")


def with_neighbours(queryset, at=None):
    """Annotate each article with its published neighbours' slugs and titles, in the same query."""
    published = Post.objects.published(at=at)
    previous = published.filter(published_at__lt=OuterRef("published_at")).order_by(
        "-published_at", "-pk"
    )
    following = published.filter(published_at__gt=OuterRef("published_at")).order_by(
        "published_at", "pk"
    )
    return queryset.annotate(
        previous_slug=Subquery(previous.values("slug")[:1]),
        previous_title=Subquery(previous.values("title")[:1]),
        next_slug=Subquery(following.values("slug")[:1]),
        next_title=Subquery(following.values("title")[:1]),
    )


class PostDetailView(DetailView):
    """The article page: its stored parts (blog/page_html.py), its neighbours and related
    articles, and the question form.

    Two queries when nothing is cached: the article with its neighbours, its stored parts and
    what the site's header and footer show of the clinic's settings; the related articles.
    With fragments, none, and no template: the whole page is kept as one HTML string
    (`article-page:<slug>`) until content changes, and only the question form's time stamp is
    filled in per request. A preview (clinic/pages/preview.py) renders everything live.
    """

    template_name = "blog/post_detail.html"
    context_object_name = "post"
    # What the page reads of the article row; everything else is in its stored parts.
    fields = ("slug", "title", "excerpt", "status", "published_at", "related_ids")
    stored = ("page_parts", "page_parts_until")
    neighbours = ("previous_slug", "previous_title", "next_slug", "next_title")

    def get_queryset(self, slug=None, now=None):
        published = Post.objects.published(at=now)
        queryset = (
            with_neighbours(published, at=now)
            .only(*self.fields, *self.stored)
            .annotate(clinic_details=ClinicSettings.details())
        )
        return queryset if slug is None else queryset.filter(slug=slug)

    def get(self, request, *args, **kwargs):
        page = fragment(f"article-page:{kwargs['slug']}", self.render_page)
        is_open = questions_open_since(page["published_at"])
        question_part = patient_views.question_part(is_open, page["token"])
        return HttpResponse(page["html"].replace(patient_views.QUESTION_PART, question_part))

    def render_page(self):
        """The page as every reader gets it, with a marker where the question form goes."""
        self.object = post = self.load()
        clinic = ClinicSettings.from_details(post.clinic_details, using=post._state.db)
        context = self.get_context_data(object=post, practice=clinic)
        return {
            "published_at": post.published_at,
            "token": patient_views.page_token(post),  # names the page; it does not expire
            "html": render_to_string(self.template_name, context, self.request),
        }

    def load(self):
        # Its SQL compiled once per process (clinic/lib/prepared.py): that was most of its cost.
        rows = _article.raw(slug=self.kwargs["slug"], now=timezone.now())
        if not rows:
            raise Http404("No article found matching the query")
        post = rows[0]
        until = post.page_parts_until
        if not post.page_parts or (until is not None and until <= timezone.now()):
            # Never rendered (rows written in bulk), or a linked condition page went live.
            page_html.refresh([post.pk])
            post.refresh_from_db(fields=self.stored)
        post.parts = post.page_parts
        return post

    def main_html(self, post, parts, **context):
        # The stored related list (kept on save), checked against published() in one query.
        related = related_posts(post)
        context = {
            "post": post,
            "parts": parts,
            "related": related,
            "any_shared": any(row["shared"] for row in related),
            "question_part": mark_safe(patient_views.QUESTION_PART),
            **context,
        }
        return render_to_string("blog/post_main.html", context)

    def get_context_data(self, **kwargs):
        post = self.object
        if kwargs.get("draft_preview"):
            # A preview shows the unsaved revision: its parts are rendered now.
            clinic = fragment("clinic-settings", ClinicSettings.load)
            post.parts = page_html.render_parts(post, clinic, preview=True)
            main_html = self.main_html(post, post.parts, draft_preview=True)
        else:
            # The question form's marker is left in: get() fills it in per request.
            main_html = self.main_html(post, post.parts)
        return super().get_context_data(parts=post.parts, main_html=mark_safe(main_html), **kwargs)


_article = Prepared(PostDetailView().get_queryset)
