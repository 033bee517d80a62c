"""The import benchmark's generated export is a Blogger Takeout file the importer reads whole."""

from io import StringIO

from django.core.management import call_command

from clinic.migration import importer


def test_generated_export_imports_every_post_and_comment(db, tmp_path):
    path = tmp_path / "feed.atom"
    call_command(
        "generate_blog_export",
        str(path),
        "--posts",
        "3",
        "--comments",
        "4",
        "--references",
        "6",
        stdout=StringIO(),
    )
    plan = importer.plan(path, importer.Options(fetch_images=False))
    assert plan.total > 0
    report = importer.run(path, importer.Options(fetch_images=False), total=plan.total)
    assert report["counts"]["post: created"] == 3
