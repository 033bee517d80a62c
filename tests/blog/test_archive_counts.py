"""The monthly counts (blog/archive.py): right after every change, and pages that read only them.

The lists (blog index, tag pages, archives, sitemap) count, page and list their years from
ArchiveMonth rows kept on save; these tests check the rows against a full recount after each
kind of change, the numbers a visitor sees, and that each list runs the same queries with 5
articles or 50 spread over many months.
"""

import datetime
import re
import threading

import pytest
import time_machine
from django.core.paginator import Paginator
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from blog import archive
from blog.models import ArchiveMonth, ArchiveYear, Post
from clinic.pages import workflow
from clinic.pages.publishing import Status
from tests import factories
from tests.personas import PASSWORD

pytestmark = pytest.mark.usefixtures("clinic")


def at(year, month, day=15, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def stored():
    return sorted(
        (row.tag_id or 0, row.month, row.count) for row in ArchiveMonth.objects.filter(count__gt=0)
    )


def stored_years():
    return sorted(
        (row.tag_id or 0, row.year, row.months, row.count)
        for row in ArchiveYear.objects.filter(count__gt=0)
    )


def assert_counts_right():
    """The month and year rows kept on save equal a full recount from the articles."""
    kept, kept_years = stored(), stored_years()
    archive.rebuild()
    assert kept == stored()
    assert kept_years == stored_years()
    for _, _, months, count in kept_years:
        assert len(months) == 12 and sum(months) == count


def page_total(client, url):
    html = client.get(url).content.decode()
    found = re.search(r"Page \d+ of (\d+)", html)
    return int(found.group(1)) if found else 1


def spread(count, tag=None):
    """`count` articles, three to a month, going back from January 2024."""
    posts = []
    for index in range(count):
        year, month = divmod(2024 * 12 - index // 3, 12)  # January 2024, December 2023, ...
        post = factories.PostFactory(published_at=at(year, month + 1, 1 + index % 3 * 9))
        if tag is not None:
            post.tags.add(tag)
        posts.append(post)
    return posts


def test_publish_unpublish_retag_and_delete_keep_counts_right(db, personas):
    pain = factories.TagFactory(slug="pain")
    sleep = factories.TagFactory(slug="sleep")
    post = factories.PostFactory(status=Status.DRAFT, published_at=at(2024, 3))
    post.tags.set([pain])
    assert stored() == []
    workflow.approve(page=post, by=personas.editor)  # published now: this month
    post.refresh_from_db()
    assert_counts_right()
    assert (pain.pk, archive.month_of(post.published_at), 1) in stored()
    workflow.unpublish(page=post, by=personas.editor)
    assert_counts_right()
    assert stored() == []
    post.status, post.published_at = Status.PUBLISHED, at(2023, 6)
    post.save()
    post.tags.set([sleep])  # pain removed, sleep added
    june, january = datetime.date(2023, 6, 1), datetime.date(2022, 1, 1)
    assert stored() == sorted([(0, june, 1), (sleep.pk, june, 1)])
    post.published_at = at(2022, 1)  # moved to another month
    post.save()
    assert stored() == sorted([(0, january, 1), (sleep.pk, january, 1)])
    post.tags.clear()
    assert stored() == [(0, datetime.date(2022, 1, 1), 1)]
    sleep.posts.add(post)  # from the tag's side
    assert_counts_right()
    sleep.posts.clear()
    assert_counts_right()
    post.tags.add(pain)
    post.delete()
    assert stored() == []
    assert_counts_right()


def test_deleting_a_tag_removes_its_counts(db):
    tag = factories.TagFactory()
    factories.PostFactory(published_at=at(2023, 4)).tags.add(tag)
    tag.delete()
    assert stored() == [(0, datetime.date(2023, 4, 1), 1)]


def test_bulk_actions_in_the_admin_keep_counts_right(client, personas):
    posts = [factories.PostFactory(published_at=at(2023, month)) for month in (1, 1, 2, 5)]
    tag = factories.TagFactory()
    for post in posts:
        post.tags.add(tag)
    assert client.login(username="editor", password=PASSWORD)
    changelist = reverse("admin:blog_post_changelist")
    response = client.post(
        changelist, {"action": "unpublish", "_selected_action": [posts[0].pk, posts[2].pk]}
    )
    assert response.status_code == 302
    assert Post.objects.filter(status=Status.UNPUBLISHED).count() == 2
    assert_counts_right()
    assert (0, datetime.date(2023, 2, 1), 1) not in stored()
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [posts[1].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Post.objects.filter(pk=posts[1].pk).exists()
    assert_counts_right()
    may = datetime.date(2023, 5, 1)
    assert stored() == sorted([(0, may, 1), (tag.pk, may, 1)])


def test_a_scheduled_article_is_counted_when_its_time_comes(client, db):
    """Nothing is written when a scheduled article goes live: the current month is counted
    live, and its own future month's row is read only once that month is past."""
    now = at(2030, 1, 31, 23)
    with time_machine.travel(now, tick=False) as clock:
        factories.PostFactory.create_batch(10, published_at=at(2029, 12))
        scheduled = factories.PostFactory(title="Scheduled", published_at=at(2030, 2, 1, 8))
        index = reverse("blog:index")
        assert "Page 1 of 1" not in client.get(index).content.decode()  # 10: one page
        assert "Scheduled" not in client.get(index).content.decode()
        assert client.get("/blog/2030/").status_code == 404
        clock.move_to(at(2030, 2, 1, 9))  # the same month: counted live
        html = client.get(index).content.decode()
        assert "Scheduled" in html and "Page 1 of 2" in html
        assert client.get("/blog/2030/02/").status_code == 200
        clock.move_to(at(2030, 3, 2))  # a past month now: read from its row
        assert "Page 1 of 2" in client.get(index).content.decode()
        assert "Scheduled" in client.get("/blog/2030/02/").content.decode()
        assert scheduled.pk in Post.objects.published().values_list("pk", flat=True)


def test_every_page_lists_what_a_plain_paginator_would(client, db):
    """Pages read from the month their first article falls in hold the same articles, in the
    same order, as Django's paginator over every published article."""
    tag = factories.TagFactory(slug="pain")
    posts = spread(40, tag)
    factories.PostFactory(status=Status.DRAFT, published_at=at(2023, 12, 5)).tags.add(tag)
    posts[5].status = Status.UNPUBLISHED
    posts[5].save()
    expected = Paginator(Post.objects.published(), 10)
    for url in (reverse("blog:index"), reverse("blog:tag", args=["pain"])):
        assert page_total(client, url) == expected.num_pages == 4
        for number in expected.page_range:
            html = client.get(f"{url}?page={number}").content.decode()
            titles = list(dict.fromkeys(re.findall(r"Article number \d+", html)))
            assert titles == [post.title for post in expected.page(number)], (url, number)
        assert client.get(f"{url}?page=5").status_code == 404
        assert client.get(f"{url}?page=last").status_code == 200


def test_years_and_months_come_from_the_counts(client, db):
    spread(21)  # seven months: January 2024 back to July 2023
    html = client.get(reverse("blog:index")).content.decode()
    assert re.findall(r'<a href="/blog/(\d{4})/">', html) == ["2024", "2023"]
    year = client.get("/blog/2023/").content.decode()
    assert re.findall(r'<a href="/blog/2023/(\d\d)/">', year) == [
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
    ]
    assert client.get("/blog/0000/").status_code == 404
    assert client.get("/blog/9999/12/").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_lists_cost_the_same_at_any_size(client, db, django_assert_num_queries, count):
    """Guards a count or a scan of every article coming back: settings, the stored months, this
    month's live count, the page of articles (and the tag, on a tag page), at 5 articles in two
    months or 50 in seventeen."""
    tag = factories.TagFactory(slug="pain")
    spread(count, tag)
    pages = [
        (reverse("blog:index"), 4),
        (reverse("blog:index") + "?page=last", 4),
        (reverse("blog:tag", args=["pain"]), 5),
        (reverse("blog:tag", args=["pain"]) + "?page=last", 5),
        ("/blog/2023/", 4),
        ("/blog/2023/12/", 4),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def publish_at_the_same_instant(first, second):
    """Publish `first` in a transaction held open until `second`'s publication waits for a
    lock, then let both commit; no error in either."""
    holding, release = threading.Event(), threading.Event()
    errors = []

    def publish(post, hold):
        try:
            with transaction.atomic():
                post.status = Status.PUBLISHED
                post.save()
                if hold:
                    holding.set()
                    release.wait(10)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=publish, args=(first, True)),
        threading.Thread(target=publish, args=(second, False)),
    ]
    threads[0].start()
    assert holding.wait(10)
    threads[1].start()
    with connection.cursor() as cursor:
        for _ in range(500):  # until the second one waits for the lock (at most ~10 s)
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.02)
    release.set()
    for thread in threads:
        thread.join(10)
    assert not errors


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer in at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_two_publications_in_one_month_at_the_same_instant_both_count():
    """Two transactions publish into one month: the second waits on the month's row until the
    first commits, then counts both (a count taken without waiting would say 2)."""
    factories.PostFactory(published_at=at(2023, 5, 1))  # the month's row exists already
    first, second = (
        factories.PostFactory(status=Status.DRAFT, published_at=at(2023, 5, day)) for day in (3, 9)
    )
    publish_at_the_same_instant(first, second)
    assert stored() == [(0, datetime.date(2023, 5, 1), 3)]


def test_pages_across_many_years_list_what_a_plain_paginator_would(
    client, db, django_assert_num_queries
):
    """Lists over ten years skip whole years, then months (ArchiveYear rows): every page holds
    what Django's paginator would, drafts and articles scheduled for a later year are never
    counted or listed, the year links name the years with articles, and the queries are those of
    a two-month blog."""
    tag = factories.TagFactory(slug="pain")
    posts = []
    for index in range(31):  # one every four months, January 2024 back to January 2014
        year, month = divmod(2024 * 12 - index * 4, 12)
        post = factories.PostFactory(published_at=at(year, month + 1, 1 + index % 20))
        if index % 2:
            post.tags.add(tag)
        posts.append(post)
    factories.PostFactory(title="A draft", status=Status.DRAFT, published_at=at(2019, 3))
    factories.PostFactory(title="Later", published_at=timezone.now() + datetime.timedelta(days=400))
    assert_counts_right()
    assert ArchiveYear.objects.filter(tag=None).count() == 12  # eleven years and the scheduled one
    for url, expected in (
        (reverse("blog:index"), Paginator(Post.objects.published(), 10)),
        (
            reverse("blog:tag", args=["pain"]),
            Paginator(Post.objects.published().filter(tags=tag), 10),
        ),
    ):
        assert page_total(client, url) == expected.num_pages
        for number in expected.page_range:
            html = client.get(f"{url}?page={number}").content.decode()
            titles = list(dict.fromkeys(re.findall(r"Article number \d+", html)))
            assert titles == [post.title for post in expected.page(number)], (url, number)
            assert "A draft" not in html and "Later" not in html
    html = client.get(reverse("blog:index")).content.decode()
    years = [str(year) for year in range(2024, 2013, -1)]
    assert re.findall(r'<a href="/blog/(\d{4})/">\1</a>', html) == years
    with django_assert_num_queries(4):
        assert client.get(reverse("blog:index") + "?page=last").status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("blog:tag", args=["pain"]) + "?page=last").status_code == 200
    year = client.get("/blog/2019/").content.decode()
    months = [f"{p.published_at:%m}" for p in posts if p.published_at.year == 2019]
    assert re.findall(r'<a href="/blog/2019/(\d\d)/">', year) == sorted(months)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer in at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_two_publications_in_one_year_at_the_same_instant_both_count():
    """Two transactions publish into different months of one year: each recounts its own month,
    and the year's row, locked first, sums the other's month only after it has committed."""
    factories.PostFactory(published_at=at(2023, 5, 1))  # the year's row exists already
    first, second = (
        factories.PostFactory(status=Status.DRAFT, published_at=at(2023, month)) for month in (3, 9)
    )
    publish_at_the_same_instant(first, second)
    assert stored_years() == [(0, 2023, [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0], 3)]
