"""Search: on PostgreSQL a GIN index over title and summary, to find heading matches first."""

from django.db import migrations

INDEX = (
    "CREATE INDEX post_heading_search ON blog_post USING gin ("
    "to_tsvector('pg_catalog.english', coalesce(title, '') || ' ' || coalesce(summary, '')))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS post_heading_search")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0008_related_ids"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
