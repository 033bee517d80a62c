"""Every public page type runs the same small number of SQL queries with 1 item and with 50.

The promise is "constant", so the counts are compared for equality between the sizes; the
bound only keeps the constant small. The page and fragment caches are off under pytest, so every
query is counted. Each page guards the N+1s named in PAGES.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post, Tag
from clinic.models import Reference
from conditions.models import Condition
from tests import factories

# 6: an article also asks once for the patients' approved questions and their answerers.
MAX_QUERIES = 6

# Each public page type, and the N+1 it guards (one query per item if it came back).
PAGES = {
    "home": "latest articles' teasers asking for their author; the condition list",
    "about": "each practitioner's profile and photo",
    "practitioner": "the practitioner's articles, each asking for its author",
    "blog index": "teasers asking for their author; the archive years",
    "blog page 2": "the same on a later page, with the paginator's count",
    "tag": "the topic's articles asking for their author",
    "article": "its tags, its conditions, its references, related articles and their authors",
    "conditions A-Z": "each condition's alternative names and summary",
    "condition": "its references, its related articles and their authors",
    "search": "each result asking for its page, author or snippet",
    "year archive": "teasers asking for their author; the year's months",
}


def build_site(count):
    """One author; `count` articles, topics, references and condition pages, all linked up."""
    Post.objects.all().delete()
    Condition.objects.all().delete()
    Tag.objects.all().delete()
    Reference.objects.all().delete()
    author = factories.PractitionerFactory()
    tags = [factories.TagFactory() for _ in range(count)]
    references = factories.ReferenceFactory.create_batch(count)
    conditions = factories.ConditionFactory.create_batch(count)
    condition = conditions[0]
    posts = factories.PostFactory.create_batch(count, author=author)
    post = posts[0]
    post.body = "Text " + " ".join(f"[@{reference.key}]" for reference in references)
    factories.attach(post, *references)
    condition.overview = post.body
    factories.attach(condition, *references)
    post.tags.set(tags)
    for other in posts:
        other.tags.add(tags[0])
        other.conditions.add(condition)
    urls = {
        "home": reverse("clinic:home"),
        "about": reverse("clinic:about"),
        "practitioner": author.get_absolute_url(),
        "blog index": reverse("blog:index"),
        "tag": tags[0].get_absolute_url(),
        "article": post.get_absolute_url(),
        "conditions A-Z": reverse("conditions:index"),
        "condition": condition.get_absolute_url(),
        "search": reverse("clinic:search") + "?q=article",
        "year archive": reverse("blog:archive_year", args=[post.published_at.year]),
    }
    if count > 10:  # ten articles to a page
        urls["blog page 2"] = reverse("blog:index") + "?page=2"
    return urls


def query_counts(client, urls):
    counts = {}
    for page, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page, url, response.status_code)
        counts[page] = len(queries)
    return counts


def test_public_page_query_counts_are_the_same_for_1_and_50_items(client, clinic):
    # One test, the site grown in place: building 50 of everything is the cost.
    # The second page of the list exists from 11 articles on, so it is compared from 11 to 50.
    by_size = {size: query_counts(client, build_site(size)) for size in (1, 11, 50)}
    assert set(by_size[50]) == set(PAGES)
    for page in PAGES:
        counts = {size: by_size[size][page] for size in by_size if page in by_size[size]}
        assert len(set(counts.values())) == 1, f"{page} ({PAGES[page]}): {counts}"
        assert counts[50] <= MAX_QUERIES, f"{page}: {counts[50]} queries"
