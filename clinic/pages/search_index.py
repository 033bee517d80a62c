"""The search columns' migration steps, shared by the blog and conditions migrations.

`search_text` (plain text of the rendered body) exists on every database. On PostgreSQL a
weighted tsvector column, kept by a trigger, and its GIN index are added too: setweight 'A' for
the title, 'B' for the summary (and other names), 'C' for the body text. A trigger rather than a
generated column, so that later migrations may still alter the columns it reads. SQLite searches
`search_text` with LIKE, see clinic/site/search.py.
"""

from html import unescape

from django.db import migrations
from django.utils.html import strip_tags


def fill_search_text(app_label, model_name):
    def forwards(apps, schema_editor):
        from clinic.lib.markdown import strip_citations

        model = apps.get_model(app_label, model_name)
        for row in model.objects.only("pk", "body_html").iterator():
            text = " ".join(unescape(strip_tags(strip_citations(row.body_html))).split())
            model.objects.filter(pk=row.pk).update(search_text=text)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def search_vector(table, *, title, summary):
    """`title` and `summary` are SQL expressions over the trigger's NEW row."""
    vector = (
        f"setweight(to_tsvector('pg_catalog.english', {title}), 'A') || "
        f"setweight(to_tsvector('pg_catalog.english', {summary}), 'B') || "
        "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.search_text, '')), 'C')"
    )
    return _kept_by_trigger(table, "search_vector", f"{table}_search_vector", vector, index=True)


def heading_vector(table, *, index=True):
    """On PostgreSQL, `heading_vector`: the title and summary (weights A and B) of the row's
    `search_vector`, set by a second trigger that runs after the first (triggers run in name
    order), with a GIN index unless `index` is false. Search ranks heading matches with it:
    a few dozen lexemes, where `search_vector` holds the whole text."""
    heading = "ts_filter(NEW.search_vector, '{a,b}')"
    trigger = f"{table}_search_vector_heading"
    return _kept_by_trigger(table, "heading_vector", trigger, heading, index=index)


def _kept_by_trigger(table, column, trigger, expression, *, index):
    """On PostgreSQL, a tsvector `column` set to `expression` (SQL over the NEW row) by a
    BEFORE trigger and function named `trigger`, filled for the rows there are, with a GIN
    index named after the column if `index`."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # The rows filled just before leave deferred constraint checks pending in this
        # transaction, and PostgreSQL refuses to alter a table with pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column} tsvector")
        schema_editor.execute(
            f"CREATE FUNCTION {trigger}() RETURNS trigger AS $$ BEGIN "
            f"NEW.{column} := {expression}; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {trigger}()"
        )
        schema_editor.execute(f"UPDATE {table} SET search_text = search_text")  # noqa: S608
        if index:
            schema_editor.execute(f"CREATE INDEX {table}_{column} ON {table} USING gin ({column})")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")

    return migrations.RunPython(forwards, backwards)
