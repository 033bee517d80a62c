"""Search: the plain search text on every row, and on PostgreSQL a weighted tsvector."""

from django.db import migrations, models

from clinic.pages import search_index


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        search_index.fill_search_text("blog", "Post"),
        search_index.search_vector(
            "blog_post",
            title="coalesce(NEW.title, '')",
            summary="coalesce(NEW.summary, '')",
        ),
    ]
