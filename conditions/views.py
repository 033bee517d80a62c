from itertools import groupby

from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from clinic.ops.cache import fragment
from conditions.models import SECTIONS, Condition


class ConditionListView(ListView):
    template_name = "conditions/condition_list.html"
    context_object_name = "conditions"

    def get_queryset(self):
        return Condition.objects.published().only("name", "slug", "summary", "alternative_names")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["letters"] = [
            (letter, list(group))
            for letter, group in groupby(context["conditions"], key=lambda c: c.letter)
        ]
        return context


class ConditionDetailView(DetailView):
    template_name = "conditions/condition_detail.html"
    context_object_name = "condition"

    def get_queryset(self):
        # The medical reviewer is joined: the page's footer and the JSON-LD name them.
        return Condition.objects.published().select_related(
            "author", "created_by__practitioner", "medically_reviewed_by"
        )

    def get_object(self, queryset=None):
        # Kept until content changes (clinic/ops/cache.py), like the page's related articles.
        load = super().get_object
        return fragment(f"condition:{self.kwargs['slug']}", lambda: load(queryset))

    def get_context_data(self, **kwargs):
        condition = self.object
        # The section headings' ids come from the Markdown renderer's heading anchors.
        contents = [
            (slugify(label), label)
            for field, label in SECTIONS
            if getattr(condition, field).strip()
        ]
        # The newest articles stored on the page (kept on save by the page type that lists
        # them), checked against published() in one query.
        related_posts = self.newest_articles(condition.posts.published().select_related("author"))
        return super().get_context_data(contents=contents, related_posts=related_posts, **kwargs)

    def newest_articles(self, published, limit=6):
        """The first `limit` of the stored newest articles that `published` lets through."""
        ids = self.object.article_ids
        order = ("-published_at", "-created_at")
        shown = list(published.filter(pk__in=ids).order_by(*order)[:limit])
        if len(shown) < limit and len(ids) >= Condition.ARTICLES_STORED:
            # Too many of a full list are not live yet: older articles may be due a place.
            shown = list(published.order_by(*order)[:limit])
        return shown
