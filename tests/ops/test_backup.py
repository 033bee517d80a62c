"""Backup and restore: every row and every media file survive the round trip, across databases.

The archive made here (from the suite's database) is restored into a new, freshly migrated
installation of the other kind in another process (SQLite -> PostgreSQL, PostgreSQL -> SQLite),
dumped again and compared with the original, row by row, and file by file.
"""

import io
import json
import os
import re
import socket
import subprocess
import sys
import uuid
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from clinic.lib.images import clean_image, store_image
from clinic.ops.backup import EXCLUDED
from tests import factories
from tests.personas import make_personas

pytestmark = pytest.mark.slow


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out
    )
    return canonical(json.loads(out.getvalue()))


# Django's JSON keeps milliseconds: a time with 1-999 microseconds is written "…:04.000Z", read
# back as a whole second and written again "…:04Z". The same moment, so both spell it one way.
WHOLE_SECOND = re.compile(r'("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)?"')


def canonical(rows):
    """Each row as sorted JSON; users and groups have no pk (natural keys), the rest do."""
    return sorted(
        WHOLE_SECOND.sub(r'\1\2"', json.dumps(row, sort_keys=True, ensure_ascii=False))
        for row in rows
    )


def postgres_is_up():
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def rich_content():
    """Users and groups, practitioners, references, posts, tags, a condition, an image."""
    personas = make_personas()
    call_command("load_demo", no_accounts=True)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "PNG")
    buffer.name = "photo.png"
    stored = store_image(clean_image(buffer), folder="uploads")
    post = factories.PostFactory(
        title="Caf\u00e9 conversation \u2014 \u201cquotes\u201d", author=personas.practitioner
    )
    post.tags.add(factories.TagFactory(name="Needles"))
    factories.attach(post, factories.ReferenceFactory(authors=[{"literal": "NICE"}]))
    return stored


def test_backup_and_restore_round_trip(db, tmp_path, settings):
    rich_content()
    original = dump()
    models = {json.loads(row)["model"] for row in original}
    assert {"auth.user", "auth.group", "blog.post", "blog.tag", "clinic.reference"} <= models
    media = {
        path.relative_to(settings.MEDIA_ROOT).as_posix(): path.read_bytes()
        for path in settings.MEDIA_ROOT.rglob("*")
        if path.is_file()
    }
    assert media, "the test needs media files"
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert {"data.json", "manifest.json"} <= set(zipfile.ZipFile(archive).namelist())

    # Restoring over content is refused.
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive))

    # Into the other kind of database: the SQLite suite restores into PostgreSQL, the
    # PostgreSQL suite into SQLite (CI runs both, so both directions are covered).
    targets = {}
    pg_name = f"clinic_ops_restore_{uuid.uuid4().hex[:8]}"
    if connection.vendor == "sqlite" and postgres_is_up():
        targets["postgresql"] = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {pg_name}"],
            check=True,
        )
    else:
        targets["sqlite"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        for name, url in targets.items():
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "MEDIA_ROOT": str(tmp_path / f"media-{name}"),
                "DEBUG": "true",
                "CLINIC_TESTING": "1",
            }
            for command in (["migrate", "--no-input", "-v0"], ["restore", str(archive)]):
                result = manage(*command, env=env)
                assert result.returncode == 0, (name, result.stderr[-2000:])
            dumped = manage(
                "dumpdata",
                "--natural-foreign",
                "--natural-primary",
                *[f"--exclude={label}" for label in EXCLUDED],
                env=env,
            )
            assert dumped.returncode == 0, dumped.stderr[-2000:]
            restored = canonical(json.loads(dumped.stdout))
            missing = set(original) - set(restored)
            assert not missing, (name, sorted(missing)[:3])
            assert restored == original, name
            for path, content in media.items():
                assert (tmp_path / f"media-{name}" / path).read_bytes() == content, (name, path)
    finally:
        if "postgresql" in targets:
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE {pg_name}"],
                check=False,
            )


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_text("not a zip")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore", str(bogus))
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(CommandError, match="not a clinic backup"):
        call_command("restore", str(tmp_path / "other.zip"))


def test_restore_refuses_a_damaged_media_file(db, tmp_path):
    rich_content()
    good = tmp_path / "good.zip"
    call_command("backup", str(good), stdout=io.StringIO())
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("media/"):
                content = content[:-1] + b"x"
            target.writestr(item, content)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged))
