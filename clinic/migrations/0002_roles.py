"""Creates the Practitioners and Editors groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Practitioners": [
        "blog.add_post",
        "blog.change_post",
        "blog.view_post",
        "blog.view_tag",
        "blog.add_postreference",
        "blog.change_postreference",
        "blog.delete_postreference",
        "blog.view_postreference",
        "conditions.add_condition",
        "conditions.change_condition",
        "conditions.view_condition",
        "conditions.add_conditionreference",
        "conditions.change_conditionreference",
        "conditions.delete_conditionreference",
        "conditions.view_conditionreference",
        "clinic.add_reference",
        "clinic.change_reference",
        "clinic.view_reference",
        "clinic.view_practitioner",
    ],
    "Editors": [
        f"{app}.{action}_{model}"
        for app, models in {
            "blog": ["post", "tag", "postreference"],
            "conditions": ["condition", "conditionreference"],
            "clinic": ["reference"],
        }.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    + ["clinic.view_practitioner", "clinic.change_practitioner"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("blog", "0001_initial"),
        ("conditions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
