"""Search: on PostgreSQL the name, other names and summary of a condition page as their own
full-text vector (clinic/pages/search_index.py), to find and rank heading matches cheaply."""

from django.db import migrations

from clinic.pages import search_index


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0007_article_ids"),
    ]

    operations = [search_index.heading_vector("conditions_condition")]
