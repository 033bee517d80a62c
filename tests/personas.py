"""The people who use the site, as test users: one module for every test (as healthchecks does)."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.contrib.auth.models import Group, User
from django.urls import reverse

from clinic.models import Practitioner
from tests import factories

PASSWORD = "correct horse battery staple"


@dataclass
class Personas:
    practitioner_user: User
    practitioner: Practitioner
    other_practitioner_user: User
    editor: User
    admin: User
    visitor: User  # logged in, but not staff
    receptionist: User


def admin_login_url(next_url: str) -> str:
    """Where the admin sends anyone who is not logged-in staff: its log-in page, then back.

    Written out rather than asked of Django, so that a changed log-in URL or a lost `next`
    fails the permission tests.
    """
    return f"{reverse('admin:login')}?{urlencode({'next': next_url}, safe='/', quote_via=quote)}"


def make_user(username, *, group=None, staff=True, superuser=False):
    user = User.objects.create_user(
        username, f"{username}@clinic.example", PASSWORD, is_staff=staff, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def ensure_roles():
    """Make the role groups again if a transactional test (live_server) flushed them.

    They come from data migrations, which a flush does not replay; the permissions themselves
    are recreated by the flush's post_migrate.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    if Group.objects.filter(name__in=["Practitioners", "Editors", "Reception"]).count() == 3:
        return
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for module, name in [
        ("clinic.migrations.0002_roles", "ROLES"),
        ("clinic.migrations.0004_publish_permissions", "GRANTS"),
        ("clinic.migrations.0007_reference_governance", "GRANTS"),
        ("clinic.migrations.0010_editors_add_practitioners", "GRANTS"),
        ("clinic.patients.migrations.0002_roles", "GRANTS"),
    ]:
        grants = getattr(importlib.import_module(module), name)
        for group_name, codenames in grants.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            for dotted in codenames:
                app_label, codename = dotted.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


def make_personas() -> Personas:
    ensure_roles()
    practitioner_user = make_user("practitioner", group="Practitioners")
    other_user = make_user("other_practitioner", group="Practitioners")
    factories.PractitionerFactory(user=other_user, name="Omar Patel", slug="omar-patel")
    return Personas(
        practitioner_user=practitioner_user,
        practitioner=factories.PractitionerFactory(user=practitioner_user),
        other_practitioner_user=other_user,
        editor=make_user("editor", group="Editors"),
        admin=make_user("admin", superuser=True),
        visitor=make_user("visitor", staff=False),
        receptionist=make_user("reception", group="Reception"),
    )
