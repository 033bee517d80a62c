import os

import pytest
from django.core.cache import cache

from clinic.models import ClinicSettings, PracticePage
from clinic.ops import resilient_cache
from tests import factories
from tests.personas import make_personas

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it. Only the browser tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Every test gets an empty media folder and an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    resilient_cache._breakers.clear()  # each test starts with Redis trusted again
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def practitioner(personas):
    return personas.practitioner


@pytest.fixture
def published_post(db):
    return factories.PostFactory()


@pytest.fixture
def published_condition(db):
    return factories.ConditionFactory()


@pytest.fixture
def clinic(db):
    settings = ClinicSettings.load()
    settings.name = "Riverside Medical Acupuncture"
    settings.disclaimer = "For information only."
    settings.phone = "01865 000 000"
    settings.about = "## Who we are\n\nA small practice."
    settings.save()
    # The pages every clinic publishes (privacy notice, accessibility statement, complaints,
    # fees), each linked in the footer.
    for kind, label in PracticePage.Kind.choices:
        PracticePage.objects.get_or_create(
            kind=kind, defaults={"title": label, "body": f"Our {label.lower()}."}
        )
    return settings
