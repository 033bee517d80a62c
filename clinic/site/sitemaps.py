"""
sitemap.xml: an index of one sitemap per section, published pages only, each with its last
change; addresses on SITE_URL.

Articles come ARTICLES_PER_SITEMAP to a sitemap page (`sitemap-articles.xml?p=2`), counted and
paged from the blog's yearly counts (blog/archive.py), so the index and every page cost the same
with 1,000 or 100,000 articles.
"""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap, views
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from blog import archive
from blog.models import ArchiveMonth, Post, Tag
from clinic.practice.models import Practitioner
from conditions.models import Condition


class SiteSitemap(Sitemap):
    """Every section answers with SITE_URL's scheme and host, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return ["clinic:home", "clinic:about", "blog:index", "conditions:index"]

    def location(self, item):
        return reverse(item)


class ConditionSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Condition.objects.published().only("slug", "updated_at").order_by("name")

    def lastmod(self, item):
        return item.updated_at


ARTICLES_PER_SITEMAP = 1000


class PostSitemap(SiteSitemap):
    changefreq = "monthly"
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    @cached_property
    def paginator(self):
        years = archive.visible_years()[None]
        return archive.MonthPaginator(self.items(), self.limit, years=years)

    def get_latest_lastmod(self):
        # Django's default reads every article for the index's <lastmod>; the index goes without.
        return None


class TagSitemap(SiteSitemap):
    def items(self):
        """Tags with a visible article: a past month's count, or one published this month."""
        current = archive.month_of(timezone.now())
        counted = ArchiveMonth.objects.filter(tag=OuterRef("pk"), month__lt=current, count__gt=0)
        this_month = Post.objects.published().filter(
            tags=OuterRef("pk"), published_at__gte=archive.month_start(current)
        )
        return Tag.objects.filter(Exists(counted) | Exists(this_month)).order_by("name")


class PractitionerSitemap(SiteSitemap):
    def items(self):
        return Practitioner.objects.only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "conditions": ConditionSitemap,
    "articles": PostSitemap,
    "topics": TagSitemap,
    "practitioners": PractitionerSitemap,
}


def index(request):
    """sitemap.xml: the sections' sitemaps and their pages, on SITE_URL whatever host was asked."""
    response = views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    site = urlsplit(settings.SITE_URL)
    response.context_data["sitemaps"] = [
        dataclasses.replace(
            item,
            location=urlsplit(item.location)
            ._replace(scheme=site.scheme, netloc=site.netloc)
            .geturl(),
        )
        for item in response.context_data["sitemaps"]
    ]
    return response


def section(request, section):
    """One section's sitemap (`?p=2` for its second page)."""
    return views.sitemap(request, SITEMAPS, section=section)
