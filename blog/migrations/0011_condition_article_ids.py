from django.db import migrations


def fill(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Condition = apps.get_model("conditions", "Condition")
    for condition_id in Condition.objects.values_list("pk", flat=True).iterator():
        ids = list(
            Post.objects.filter(
                status="published", published_at__isnull=False, conditions=condition_id
            )
            .order_by("-published_at", "-created_at")
            .values_list("pk", flat=True)[:12]
        )
        Condition.objects.filter(pk=condition_id).update(article_ids=ids)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_archive_month"),
        ("conditions", "0007_article_ids"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
