"""Search at any size (clinic/site/search.py, docs/performance.md "Search at 100,000 articles").

- `in_search_window` (blog/search_window.py) and, on PostgreSQL, a GIN index over the text of
  those rows only: the newest articles with the searched words anywhere, found among a few
  thousand rows however many there are.
- On PostgreSQL, `heading_vector` (title and summary) and `blog_post_heading_term`: one row per
  word of a live article's title or summary, with its publication date, kept by triggers. The
  newest articles with a word in their heading are then the first rows of a B-tree for that
  word, where the GIN index over headings (0009, dropped here) returned every one of them.
"""

from django.db import migrations, models

from clinic.pages import search_index

TERMS = "blog_post_heading_term"

# A live article's heading words, again whenever its heading, status or date changes.
TERMS_FUNCTION = f"""
CREATE FUNCTION {TERMS}() RETURNS trigger AS $$ BEGIN
  IF TG_OP = 'UPDATE' AND NEW.heading_vector IS NOT DISTINCT FROM OLD.heading_vector
      AND NEW.status IS NOT DISTINCT FROM OLD.status
      AND NEW.published_at IS NOT DISTINCT FROM OLD.published_at THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM {TERMS} WHERE post_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'published' AND NEW.published_at IS NOT NULL THEN
    INSERT INTO {TERMS} (lexeme, published_at, post_id)
      SELECT DISTINCT lexeme, NEW.published_at, NEW.id
      FROM unnest(tsvector_to_array(NEW.heading_vector)) AS lexeme;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    execute(
        f"CREATE TABLE {TERMS} (lexeme text NOT NULL, published_at timestamptz NOT NULL, "
        "post_id bigint NOT NULL)"
    )
    execute(f"CREATE INDEX {TERMS}_newest ON {TERMS} (lexeme, published_at DESC, post_id)")
    execute(f"CREATE INDEX {TERMS}_post ON {TERMS} (post_id)")
    execute(TERMS_FUNCTION)
    execute(
        f"CREATE TRIGGER {TERMS} AFTER INSERT OR UPDATE OR DELETE ON blog_post "
        f"FOR EACH ROW EXECUTE FUNCTION {TERMS}()"
    )
    # Django's test flush empties blog_post with TRUNCATE, which runs no row triggers.
    execute(
        f"CREATE FUNCTION {TERMS}_truncate() RETURNS trigger AS $$ BEGIN "
        f"TRUNCATE {TERMS}; RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    execute(
        f"CREATE TRIGGER {TERMS}_truncate AFTER TRUNCATE ON blog_post "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TERMS}_truncate()"
    )
    execute(
        f"INSERT INTO {TERMS} (lexeme, published_at, post_id) "  # noqa: S608
        "SELECT DISTINCT lexeme, published_at, id FROM blog_post, "
        "unnest(tsvector_to_array(heading_vector)) AS lexeme "
        "WHERE status = 'published' AND published_at IS NOT NULL"
    )
    execute(
        "CREATE INDEX post_search_window_text ON blog_post USING gin (search_vector) "
        "WHERE in_search_window"
    )
    execute("DROP INDEX IF EXISTS post_heading_search")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute("DROP INDEX IF EXISTS post_search_window_text")
    execute(f"DROP TRIGGER IF EXISTS {TERMS}_truncate ON blog_post")
    execute(f"DROP TRIGGER IF EXISTS {TERMS} ON blog_post")
    execute(f"DROP FUNCTION IF EXISTS {TERMS}_truncate()")
    execute(f"DROP FUNCTION IF EXISTS {TERMS}()")
    execute(f"DROP TABLE IF EXISTS {TERMS}")
    execute(
        "CREATE INDEX post_heading_search ON blog_post USING gin (to_tsvector("
        "'pg_catalog.english', coalesce(title, '') || ' ' || coalesce(summary, '')))"
    )


def fill_window(apps, schema_editor):
    from blog import search_window

    search_window.update(apps.get_model("blog", "Post"))


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0013_archive_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="in_search_window",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("in_search_window", True)),
                fields=["-published_at", "-id"],
                name="post_search_window",
            ),
        ),
        # Heading words are found through blog_post_heading_term: no GIN index over them.
        search_index.heading_vector("blog_post", index=False),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(fill_window, migrations.RunPython.noop),
    ]
