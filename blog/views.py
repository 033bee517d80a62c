import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from blog.models import Post, Tag
from clinic.ops.cache import fragment
from conditions.models import Condition


def published_posts():
    return Post.objects.published().select_related("author")


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = 10

    def get_queryset(self):
        return published_posts()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # Counting 10,000 live articles is the list's costliest query; the count only changes
        # with content, so it is kept like a fragment (clinic/ops/cache.py).
        paginator.__dict__["count"] = fragment(f"count:{self.request.path}", queryset.count)
        return paginator

    def get_context_data(self, **kwargs):
        years = Post.objects.published().dates("published_at", "year", order="DESC")
        return super().get_context_data(archive_years=years, **kwargs)


class TagView(PostListView):
    template_name = "blog/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return published_posts().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveView(PostListView):
    """An empty archive is a 404, found from the paginator's count (no extra query)."""

    def get_context_data(self, **kwargs):
        context = super(PostListView, self).get_context_data(**kwargs)
        if context["paginator"].count == 0:
            raise Http404("No articles in this period.")
        return context


class YearArchiveView(ArchiveView):
    template_name = "blog/archive_year.html"

    def get_queryset(self):
        return published_posts().filter(published_at__year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        months = (
            Post.objects.published()
            .filter(published_at__year=self.kwargs["year"])
            .dates("published_at", "month")
        )
        return super().get_context_data(
            year=datetime.date(int(self.kwargs["year"]), 1, 1), months=months, **kwargs
        )


class MonthArchiveView(ArchiveView):
    template_name = "blog/archive_month.html"

    def get_queryset(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        if not 1 <= month <= 12:
            raise Http404("No such month.")
        self.month = datetime.date(year, month, 1)
        return published_posts().filter(published_at__year=year, published_at__month=month)

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.month, **kwargs)


def related_posts(post, limit=3):
    """Published articles sharing the most tags and condition pages with `post`, then the newest.

    One query: articles with nothing in common fill the list (their `shared` is 0).
    """
    tag_links = Post.tags.through.objects
    condition_links = Post.conditions.through.objects
    shared_tags = (
        tag_links.filter(
            post_id=OuterRef("pk"),
            tag_id__in=tag_links.filter(post_id=post.pk).values("tag_id"),
        )
        .values("post_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    shared_conditions = (
        condition_links.filter(
            post_id=OuterRef("pk"),
            condition_id__in=condition_links.filter(post_id=post.pk).values("condition_id"),
        )
        .values("post_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    zero = Value(0)
    return (
        published_posts()
        .exclude(pk=post.pk)
        .annotate(
            shared=Coalesce(Subquery(shared_tags, output_field=IntegerField()), zero)
            + Coalesce(Subquery(shared_conditions, output_field=IntegerField()), zero)
        )
        .order_by("-shared", "-published_at")[:limit]
    )


def with_neighbours(queryset):
    """Annotate each article with its published neighbours' slugs and titles, in the same query."""
    published = Post.objects.published()
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
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        # The medical reviewer is joined: the page's footer and the JSON-LD name them.
        return (
            with_neighbours(published_posts())
            .select_related("author", "medically_reviewed_by")
            .prefetch_related(
                "tags",
                Prefetch("conditions", queryset=Condition.objects.published().only("name", "slug")),
            )
        )

    def get_object(self, queryset=None):
        # The article with its tags, conditions and neighbours, kept until content changes.
        load = super().get_object
        return fragment(f"post:{self.kwargs['slug']}", lambda: load(queryset))

    def get_context_data(self, **kwargs):
        # Counting shared tags across every article is the costliest query of the site
        # (docs/performance.md): remembered until any content changes.
        related = fragment(f"related:{self.object.pk}", lambda: list(related_posts(self.object)))
        return super().get_context_data(
            related=related, any_shared=any(post.shared for post in related), **kwargs
        )
