"""Search: the plain search text on every row, and on PostgreSQL a weighted tsvector.

The tsvector column, its trigger and its GIN index exist only on PostgreSQL (SQLite searches
`search_text` with LIKE, see clinic/search.py). A trigger rather than a generated column, so
that later migrations may still alter the columns it reads.
"""

from html import unescape

from django.db import migrations, models
from django.utils.html import strip_tags

TABLE = "conditions_condition"
# setweight(…, 'A') for the title, 'B' for summary and other names, 'C' for the body.
VECTOR = (
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.name, '')), 'A') || "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.summary, '') || ' ' || coalesce(NEW.alternative_names, '')), 'B') || "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.search_text, '')), 'C')"
)


def fill_search_text(apps, schema_editor):
    from clinic.markdown import strip_citations

    model = apps.get_model("conditions", "Condition")
    for row in model.objects.only("pk", "body_html").iterator():
        text = " ".join(unescape(strip_tags(strip_citations(row.body_html))).split())
        model.objects.filter(pk=row.pk).update(search_text=text)


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The rows filled just before leave deferred constraint checks pending in this
    # transaction, and PostgreSQL refuses to alter a table with pending trigger events.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector")
    schema_editor.execute(
        f"CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger AS $$ BEGIN "
        f"NEW.search_vector := {VECTOR}; RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()"
    )
    schema_editor.execute(f"UPDATE {TABLE} SET search_text = search_text")
    schema_editor.execute(
        f"CREATE INDEX {TABLE}_search_vector ON {TABLE} USING gin (search_vector)"
    )


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0002_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_search_vector, remove_search_vector),
    ]
