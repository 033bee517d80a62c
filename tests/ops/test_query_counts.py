"""Every public page type runs the same small number of SQL queries with 1 item and with 50.

Guards the N+1s of teasers asking for their authors, articles for their tags, pages for their
references and condition pages for their related articles. The page cache is off here.
"""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")
MAX_QUERIES = 5


@pytest.fixture(params=[1, 50], ids=["1-item", "50-items"])
def site(request, db):
    count = request.param
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
    return {
        "home": reverse("clinic:home"),
        "about": reverse("clinic:about"),
        "practitioner": author.get_absolute_url(),
        "blog index": reverse("blog:index"),
        "blog page 2": reverse("blog:index") + ("?page=2" if count > 10 else ""),
        "tag": tags[0].get_absolute_url(),
        "article": post.get_absolute_url(),
        "conditions A-Z": reverse("conditions:index"),
        "condition": condition.get_absolute_url(),
        "search": reverse("clinic:search") + "?q=article",
        "year archive": reverse("blog:archive_year", args=[post.published_at.year]),
    }


def test_public_page_query_counts_are_small_and_constant(
    client, site, django_assert_max_num_queries
):
    # One test per data size, every page type inside it: building 50 of everything is the cost.
    for page, url in site.items():
        with django_assert_max_num_queries(MAX_QUERIES, info=page):
            response = client.get(url)
        assert response.status_code == 200, page
