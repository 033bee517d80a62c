"""sitemap.xml: published pages only, each with its last change; addresses on SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.models import Post, Tag
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


class PostSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class TagSitemap(SiteSitemap):
    def items(self):
        return Tag.objects.filter(posts__in=Post.objects.published()).distinct().order_by("name")


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
