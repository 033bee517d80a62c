import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import DetailView, TemplateView

from blog.models import Post
from clinic.ops.middleware import DATABASE_ERRORS, service_unavailable
from clinic.pages import preview
from clinic.practice import info
from clinic.practice.models import Practitioner
from clinic.site import search
from conditions.models import Condition


class HomeView(TemplateView):
    template_name = "clinic/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_posts=Post.objects.published().select_related("author")[:4],
            conditions=Condition.objects.published().only("name", "slug", "summary"),
            **kwargs,
        )


class AboutView(TemplateView):
    template_name = "clinic/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            practitioners=Practitioner.objects.all(), **info.panel(), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        # "Open now" is in the page: cached no longer than it stays true.
        return info.with_open_state(super().render_to_response(context, **response_kwargs), context)


class PractitionerView(DetailView):
    model = Practitioner
    template_name = "clinic/practitioner.html"
    context_object_name = "practitioner"

    def get_context_data(self, **kwargs):
        posts = self.object.posts.published()[:10]
        return super().get_context_data(posts=posts, **kwargs)


class SearchView(TemplateView):
    template_name = "clinic/search.html"

    def get_context_data(self, **kwargs):
        query = search.normalise(self.request.GET.get("q", ""))
        page = search.search(query, _page_number(self.request)) if query else search.Page([])
        context = {"query": query, "page": page, "results": page.results}
        if query and not page.results and page.number == 1:
            conditions = Condition.objects.published().only("name", "slug", "alternative_names")
            by_name = {}
            for condition in conditions:
                for name in [condition.name, *condition.alternative_name_list]:
                    by_name.setdefault(name, condition)
            context["suggestions"] = [
                (name, by_name[name]) for name in search.suggestions(query, list(by_name))
            ]
        return super().get_context_data(**context, **kwargs)


def _page_number(request) -> int:
    """`?page=N` as a number from 1; anything else is the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else 1


def shared_preview(request, value):
    """A draft read through a share link: signed, expiring and revocable (pages/preview.py)."""
    page = preview.shared_page(value)
    until = date_format(timezone.localtime(page.preview_expires), "j F Y, H:i")
    return preview.render_page_preview(
        request, page, note=f"Draft: not public. A shared preview, valid until {until}."
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        # Search results are thin, endless pages; the editor endpoints are staff-only.
        f"Disallow: {reverse('clinic:search')}",
        "Disallow: /editor/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context here: the database may be the thing that failed. If it did (say, while
    # a middleware loaded the session), answer 503 with Retry-After rather than 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable()
    return HttpResponseServerError(get_template("500.html").render())
