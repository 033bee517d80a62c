"""Restore is all or nothing: whatever is wrong with the archive or the installation, the
installation is left as it was (no rows, no media files), with a clear message and no
traceback, both from restore() and from `manage.py restore`."""

import io
import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from blog.models import Post
from clinic.lib.images import clean_image, store_image
from clinic.ops import backup
from clinic.practice.models import Practitioner
from clinic.references.models import Reference
from tests import factories
from tests.samples import small_png

pytestmark = pytest.mark.django_db


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def emptied():
    """Leave the installation empty, as a freshly migrated one (users and content gone)."""
    for model in (Post, Reference, Practitioner, User):
        model.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    assert backup.installation_is_empty() and not media_files()


@pytest.fixture
def archive(tmp_path):
    """A real backup of a small site (a user, an article with a reference, an image)."""
    factories.attach(factories.PostFactory(title="Restored article"), factories.ReferenceFactory())
    User.objects.create_user("someone", "someone@clinic.example", "x" * 16)
    upload = io.BytesIO(small_png())
    upload.name = "a.png"
    store_image(clean_image(upload), folder="uploads")
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    emptied()
    return path


def rewrite(source, target, change):
    """Copy an archive member by member; change(name, content) returns (name, content) or None."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            result = change(item.filename, old.read(item))
            if result is not None:
                new.writestr(result[0], result[1])
    return target


def assert_refused_and_untouched(path, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore", str(path), stdout=io.StringIO())
    assert "Traceback" not in str(refused.value)
    assert backup.installation_is_empty()
    assert not media_files()
    assert not any(Path(settings.MEDIA_ROOT).parent.glob("x*")), "wrote outside MEDIA_ROOT"


def test_a_good_archive_restores(archive):
    call_command("restore", str(archive), stdout=io.StringIO())
    assert Post.objects.get().title == "Restored article"
    assert User.objects.filter(username="someone").exists()
    assert len(media_files()) > 1
    assert not any(".restore-staging" in name for name in media_files())


@pytest.mark.parametrize("hostile", ["../../x", "/etc/x", "uploads/../../x", "..\\..\\x"])
def test_a_member_named_outside_the_media_folder_is_refused(archive, tmp_path, hostile):
    def change(name, content):
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["files"][hostile] = manifest["files"].popitem()[1]
            return name, json.dumps(manifest)
        return name, content

    first = next(iter(json.loads(zipfile.ZipFile(archive).read("manifest.json"))["files"]))
    hostile_zip = rewrite(archive, tmp_path / "hostile.zip", change)
    assert_refused_and_untouched(hostile_zip, "outside the media folder|does not match")
    assert first  # (the archive had media to begin with)


def test_a_member_not_in_the_manifest_is_refused(archive, tmp_path):
    def change(name, content):
        return name, content

    extra = rewrite(archive, tmp_path / "extra.zip", change)
    with zipfile.ZipFile(extra, "a") as added:
        added.writestr("media/uploads/smuggled.png", small_png())
    assert_refused_and_untouched(extra, "does not match its manifest")


def test_a_bit_flipped_archive_gives_a_clear_message(archive, tmp_path):
    data = bytearray(archive.read_bytes())
    random.seed(18)
    flipped = 0
    # Flip one bit in every member's compressed bytes (past the local headers' first bytes).
    with zipfile.ZipFile(archive) as source:
        for item in source.infolist():
            if item.compress_size > 8:
                offset = item.header_offset + 30 + len(item.filename) + item.compress_size // 2
                data[offset] ^= 1 << random.randrange(8)
                flipped += 1
    assert flipped >= 3
    damaged = tmp_path / "flipped.zip"
    damaged.write_bytes(bytes(data))
    assert_refused_and_untouched(damaged, "damaged|Cannot read|not a clinic backup")


def test_rows_that_do_not_fit_the_schema_are_refused_before_anything(archive, tmp_path):
    def change(name, content):
        if name == "data.json":
            rows = json.loads(content)
            rows.append({"model": "blog.post", "pk": 999, "fields": {"no_such_field": 1}})
            return name, json.dumps(rows)
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest.pop("data", None)  # as an older archive, without a checksum for the rows
            return name, json.dumps(manifest)
        return name, content

    assert_refused_and_untouched(rewrite(archive, tmp_path / "schema.zip", change), "no_such_field")


def test_a_clash_on_one_media_path_changes_nothing(archive):
    name = next(iter(json.loads(zipfile.ZipFile(archive).read("manifest.json"))["files"]))
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True)
    target.write_bytes(b"a different file")
    with pytest.raises(CommandError, match="already has files"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert backup.installation_is_empty()
    assert media_files() == [name] and target.read_bytes() == b"a different file"


def test_a_failure_while_moving_media_into_place_rolls_everything_back(archive):
    """The media folder cannot take a file (a plain file stands where a folder must be):
    the rows loaded in the same transaction are rolled back and the files placed removed."""
    names = sorted(json.loads(zipfile.ZipFile(archive).read("manifest.json"))["files"])
    blocker = Path(settings.MEDIA_ROOT) / names[0].split("/")[0]
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"not a folder")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert backup.installation_is_empty()
    assert media_files() == [blocker.name]


def test_a_rerun_after_a_failure_works(archive):
    names = sorted(json.loads(zipfile.ZipFile(archive).read("manifest.json"))["files"])
    blocker = Path(settings.MEDIA_ROOT) / names[0].split("/")[0]
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"not a folder")
    with pytest.raises(CommandError):
        call_command("restore", str(archive), stdout=io.StringIO())
    blocker.unlink()
    call_command("restore", str(archive), stdout=io.StringIO())
    assert Post.objects.get().title == "Restored article"
