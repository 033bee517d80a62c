"""
RSS and Atom feeds of articles: the whole site, one topic, or one condition.

Each item carries the full article, its reference list and the patients' approved questions
with their answers, so a reader in a feed reader sees the
evidence too. Links are absolute on SITE_URL, like the sitemap and the structured data.
"""

import copy

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog.models import Post, Tag
from clinic.lib.structured_data import absolute
from clinic.patients import public
from clinic.practice.models import ClinicSettings
from conditions.models import Condition

ITEMS = 20


class PostFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: the clinic's details go on a copy.
        feed = copy.copy(self)
        feed.practice = ClinicSettings.load()
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self, obj=None):
        return f"{self.practice.name}: articles"

    def description(self, obj=None):
        return self.practice.tagline or f"Articles from {self.practice.name}."

    def link(self, obj=None):
        return absolute(reverse("blog:index"))

    def feed_url(self, obj=None):
        return None

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj=None):
        items = list(
            self.posts(obj)
            .select_related("author")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))[:ITEMS]
        )
        # Patients' approved questions and answers go in each entry: one query for them all.
        public.attach_approved_comments(items)
        return items

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_description(self, item):
        parts = [item.body_html]
        if item.references_html:
            parts.append(f"<h2>References</h2>{item.references_html}")
        parts.append(public.feed_html(item))
        return "\n".join(part for part in parts if part)

    def item_author_name(self, item):
        return item.author.credentials

    def item_author_link(self, item):
        return absolute(item.author.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomPostFeed(PostFeed):
    feed_type = Atom1Feed
    subtitle = PostFeed.description


class TagFeed(PostFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{self.practice.name}: articles about {obj.name}"

    def description(self, obj=None):
        return f"Articles about {obj.name} from {self.practice.name}."

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def posts(self, obj):
        return Post.objects.published().filter(tags=obj)


class AtomTagFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description


class ConditionFeed(PostFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Condition.objects.published(), slug=slug)

    def title(self, obj=None):
        return f"{self.practice.name}: articles about {obj.name.lower()}"

    def description(self, obj=None):
        return f"Articles about {obj.name.lower()} from {self.practice.name}."

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def posts(self, obj):
        return Post.objects.published().filter(conditions=obj)


class AtomConditionFeed(ConditionFeed):
    feed_type = Atom1Feed
    subtitle = ConditionFeed.description
