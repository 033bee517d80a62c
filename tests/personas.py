"""The people who use the site, as test users: one module for every test (as healthchecks does)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

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


def make_user(username, *, group=None, staff=True, superuser=False):
    user = User.objects.create_user(
        username, f"{username}@clinic.example", PASSWORD, is_staff=staff, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_personas() -> Personas:
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
    )
