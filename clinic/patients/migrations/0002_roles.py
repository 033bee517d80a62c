"""The Reception role, and who moderates patients' questions.

- Reception sees and handles appointment requests and enquiries (and may export or erase a
  person's requests on their request), and nothing else: no content, no questions.
- Editors moderate questions on every page; practitioners those on their own articles (the
  admin narrows what they see). Neither sees appointment requests unless given Reception.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reception": [
        "patients.view_appointmentrequest",
        "patients.change_appointmentrequest",
        "patients.delete_appointmentrequest",
        "patients.export_appointmentrequest",
    ],
    "Editors": [
        "patients.view_comment",
        "patients.change_comment",
        "patients.moderate_any_comment",
    ],
    "Practitioners": ["patients.view_comment", "patients.change_comment"],
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
        ("patients", "0001_initial"),
        ("clinic", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
