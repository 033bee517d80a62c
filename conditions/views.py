from itertools import groupby

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from clinic.ops.cache import fragment
from clinic.practice.models import ClinicSettings
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
    """A condition page. With fragments, its content, sharing tags and JSON-LD are kept as HTML
    strings (one fragment, no model instance) and only the site's skeleton is rendered per
    request; cold, three queries (the page, its newest articles, the clinic's settings)."""

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
        values = fragment(
            f"condition-page:{self.kwargs['slug']}", lambda: self.load(load(queryset))
        )
        condition = Condition(id=values["id"], name=values["name"], excerpt=values["excerpt"])
        condition.parts = values["parts"]
        return condition

    def load(self, condition):
        parts = self.render_parts(condition)
        return {
            "id": condition.pk,
            "name": condition.name,
            "excerpt": condition.excerpt,
            "parts": parts,
        }

    def render_parts(self, condition, **context):
        """The page's content, sharing tags and JSON-LD with its feeds, as HTML."""
        # The section headings' ids come from the Markdown renderer's heading anchors.
        contents = [
            (slugify(label), label)
            for field, label in SECTIONS
            if getattr(condition, field).strip()
        ]
        # The newest articles stored on the page (kept on save by the page type that lists
        # them), checked against published() in one query.
        related_posts = self.newest_articles(
            condition, condition.posts.published().select_related("author")
        )
        context = {
            "condition": condition,
            "contents": contents,
            "related_posts": related_posts,
            "practice": self.practice(),
            **context,
        }
        return {
            name: render_to_string(f"conditions/condition_{name}.html", context)
            for name in ("main", "social", "meta")
        }

    def get_context_data(self, **kwargs):
        if kwargs.get("draft_preview"):
            # A preview shows the unsaved revision: rendered now, as a draft.
            self.object.parts = self.render_parts(
                self.object, draft_preview=kwargs["draft_preview"]
            )
        # The clinic's settings, if loaded for the parts: the skeleton shows them too.
        if getattr(self, "_practice", None) is not None:
            kwargs.setdefault("practice", self._practice)
        return super().get_context_data(parts=self.object.parts, **kwargs)

    def practice(self):
        self._practice = fragment("clinic-settings", ClinicSettings.load)
        return self._practice

    def newest_articles(self, condition, published, limit=6):
        """The first `limit` of the stored newest articles that `published` lets through."""
        ids = condition.article_ids
        order = ("-published_at", "-created_at")
        shown = list(published.filter(pk__in=ids).order_by(*order)[:limit])
        if len(shown) < limit and len(ids) >= Condition.ARTICLES_STORED:
            # Too many of a full list are not live yet: older articles may be due a place.
            shown = list(published.order_by(*order)[:limit])
        return shown
