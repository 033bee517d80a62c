"""Editors may import a Blogger or WordPress site and edit the old addresses' redirects."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "import_blog",
    "view_importrun",
    "view_importeditem",
    "change_importeditem",
    "view_importedimage",
    "change_importedimage",
    "view_redirect",
    "add_redirect",
    "change_redirect",
    "delete_redirect",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("migration")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="migration", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [("migration", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
