"""What an import costs per item: queries, renders, page-cache moves, related lists.

The benchmark (`bench_import_blog`, docs/migration.md) measures the time; these tests keep the
work per item from growing back: a query per row, a render per save, a related-list refresh of
two dozen articles per save, a page-cache move per row.
"""

import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from blog import related
from blog.models import Post
from clinic.migration import importer, readers
from clinic.migration.models import Redirect
from clinic.ops.cache import GENERATION_KEY
from clinic.patients.models import Comment

pytestmark = pytest.mark.django_db

NO_IMAGES = importer.Options(fetch_images=False)


@pytest.fixture
def generated(tmp_path):
    """A benchmark export (generate_blog_export) of `posts` posts, three comments and five
    references each."""

    def write(posts):
        path = tmp_path / f"feed-{posts}.atom"
        call_command(
            "generate_blog_export",
            str(path),
            posts=posts,
            comments=3 * posts,
            references=5 * posts,
            stdout=io.StringIO(),
        )
        return path

    return write


@pytest.mark.parametrize("posts", [4, 12])
def test_queries_grow_by_a_bounded_number_per_post(generated, posts, django_assert_max_num_queries):
    """Each post (its references, tags, redirects, record and three comments) costs a bounded
    number of queries: the related lists of every article it touches are not refreshed on each
    of its saves (that alone was 60 more per post at 20 posts, growing with the blog). The
    monthly archive counts and their years' roll-up (blog.archive) are recounted per post: about
    18 of the 40 (the roll-up added 3 a recount, so that the lists read a row per year). Search's
    window (blog.search_window) is set once at the end: 3 queries, not 3 a post."""
    path = generated(posts)
    with django_assert_max_num_queries(43 + 40 * posts):
        importer.run(path, NO_IMAGES)
    assert Post.objects.count() == posts
    assert Post.objects.filter(in_search_window=True).count() == posts  # set at the end
    assert Comment.objects.count() == 3 * posts
    with django_assert_max_num_queries(12):  # a second import: nothing to write
        importer.run(path, NO_IMAGES)


def test_each_article_is_rendered_once_and_as_a_save_would_render_it(demo, takeout):
    with mock.patch.object(Post, "render", autospec=True, side_effect=Post.render) as renders:
        report = importer.run(takeout, NO_IMAGES)
    rendered = [call.args[0].pk for call in renders.call_args_list]
    assert len(rendered) == len(set(rendered)) == report["counts"]["post: created"] == 3
    for post in Post.objects.filter(pk__in=rendered):
        stored = [getattr(post, name) for name in Post.rendered_fields]
        post.render()  # with the references as attached now
        assert stored == [getattr(post, name) for name in Post.rendered_fields]
    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert len(post.reference_order) == 2
    assert post.reference_order == [link.reference_id for link in post.reference_links.all()]


@pytest.mark.django_db(transaction=True)  # real commits: each item's is its own
def test_the_page_cache_moves_once_per_item_after_its_commit(generated):
    path = generated(4)
    cache.set(GENERATION_KEY, 1000, None)
    report = importer.run(path, NO_IMAGES)
    counts = report["counts"]
    assert counts["post: created"] == 4
    pages_with_comments = len(set(Comment.objects.values_list("object_id", flat=True)))
    # One move per post (its row, tags, author, references), one per page's comments, and one
    # when the articles' stored HTML is rendered at the end (blog/page_html.py).
    assert cache.get(GENERATION_KEY) - 1000 == 4 + pages_with_comments + 1


def test_related_lists_are_complete_after_an_import(generated):
    importer.run(generated(12), NO_IMAGES)
    for post in Post.objects.all():
        assert post.related_ids == related.candidates(post.pk), post.title
        assert post.related_ids  # every benchmark post shares a label with others


def test_an_item_that_fails_is_rolled_back_with_its_redirects(takeout):
    export, items = readers.read_export(takeout)
    writer = importer.Writer(importer.Context(export, NO_IMAGES))
    # Written meanwhile by another import: the teaser's redirects cannot be inserted.
    Redirect.objects.create(old_path="/feeds/1002/comments/default", new_path="/elsewhere/")
    for item in items:
        writer.write(item, None)
    assert writer.counts["post: failed"] == 1
    assert not Post.objects.filter(title__startswith="Can acupuncture").exists()
    teaser = "/2022/10/can-acupuncture-help-with-stress.html"
    assert teaser not in writer.redirects
    assert not Redirect.objects.filter(old_path=teaser).exists()
    assert Redirect.objects.filter(old_path="/2022/09/acupuncture-for-low-back-pain.html").exists()
