"""Search: the plain search text on every row, and on PostgreSQL a weighted tsvector."""

from django.db import migrations, models

from clinic.pages import search_index


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
        search_index.fill_search_text("conditions", "Condition"),
        search_index.search_vector(
            "conditions_condition",
            title="coalesce(NEW.name, '')",
            summary="coalesce(NEW.summary, '') || ' ' || coalesce(NEW.alternative_names, '')",
        ),
    ]
