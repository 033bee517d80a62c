import functools

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from clinic.ops.cache import fragment
from clinic.practice.models import ClinicSettings

# The addresses every page's header, footer and <head> link to (templates/base.html).
SITE_URLS = {
    "home": "clinic:home",
    "search": "clinic:search",
    "about": "clinic:about",
    "conditions": "conditions:index",
    "articles": "blog:index",
    "contact": "patients:contact",
    "feed_rss": "feeds:posts",
    "feed_atom": "feeds:posts_atom",
    "privacy": "practice:privacy",
    "accessibility": "practice:accessibility",
    "complaints": "practice:complaints",
    "fees": "practice:fees",
}


def practice(request):
    return {"practice": SimpleLazyObject(lambda: fragment("clinic-settings", ClinicSettings.load))}


def site_urls(request):
    """`urls.home`, `urls.articles`, ...: reversed once per process (and script prefix) rather
    than twelve times on every page rendered without a cache."""
    return {"urls": _site_urls(get_script_prefix())}


@functools.cache
def _site_urls(prefix: str) -> dict[str, str]:
    return {name: reverse(view) for name, view in SITE_URLS.items()}


def _setting_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _site_urls.cache_clear()


setting_changed.connect(_setting_changed)
