"""Editors may review, publish, schedule and unpublish; practitioners see the workflow history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": [
        "blog.publish_post",
        "conditions.publish_condition",
        "clinic.view_transition",
    ],
    "Practitioners": ["clinic.view_transition"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_workflow"),
        ("clinic", "0002_roles"),
        ("blog", "0002_workflow"),
        ("conditions", "0002_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
