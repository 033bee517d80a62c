"""The benchmark's data generator makes pages that the public views serve like real ones."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from blog.models import Post, PostReference
from clinic.models import Reference
from conditions.models import Condition


def test_generates_a_clinic_that_the_site_serves(client, db):
    call_command(
        "generate_bench_data", posts=60, conditions=6, references=30, tags=4, practitioners=2
    )
    assert Post.objects.count() == 60
    assert Condition.objects.count() == 6
    assert Reference.objects.count() == 30
    assert PostReference.objects.count() == 60 * 5
    post = Post.objects.published().first()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert 'class="references' in response.content.decode()
    assert client.get(Condition.objects.first().get_absolute_url()).status_code == 200
    assert client.get(reverse("blog:index") + "?page=3").status_code == 200
    assert Post.objects.published().count() < 60  # a few drafts and scheduled posts

    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_bench_data", posts=1, conditions=1, references=1)
    call_command("generate_bench_data", posts=5, conditions=1, references=5, replace=True)
    assert Post.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_it_vacuums_as_autovacuum_would():
    """Without VACUUM the second pass's dead rows and the unmerged full-text index entries make
    every search at 100,000 articles read ~330 extra pages (autovacuum is off on some servers)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    call_command("generate_bench_data", posts=20, conditions=2, references=10, tags=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = %s",
            [Post._meta.db_table],
        )
        assert cursor.fetchone() == (True, True)
