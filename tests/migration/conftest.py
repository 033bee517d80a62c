import io

import pytest
from django.core.management import call_command

from tests.migration import exports


@pytest.fixture
def demo(db):
    """The demo clinic: it already has the practitioner, two articles and the "Back pain" page."""
    call_command("load_demo", no_accounts=True, stdout=io.StringIO())


@pytest.fixture
def export_file(tmp_path):
    """Write an export built by tests/migration/exports.py to a file and return its path."""

    def write(text, name="feed.atom"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def takeout(export_file):
    return export_file(exports.blogger_takeout())


@pytest.fixture
def wxr(export_file):
    return export_file(exports.wordpress(), "riverside.WordPress.xml")
