"""
Backups: one zip archive holding every row of the database and every media file.

- `data.json`: Django's own serialisation (dumpdata) of every model, with natural keys for users,
  groups, permissions and content types, so the archive loads into any freshly migrated
  installation, on SQLite or PostgreSQL. Read in one transaction (REPEATABLE READ on PostgreSQL),
  so the rows are one consistent snapshot even while editors keep working.
- `media/…`: every file in the media storage, read through Django's storage API (local disk or
  an S3 bucket alike).
- `manifest.json`: when, from which database, row counts per model and a SHA-256 per file;
  restore checks the files against it.

Left out on purpose: sessions (everyone logs in again), content types and permissions (migrate
creates them; rows refer to them by natural key).
"""

import datetime
import hashlib
import json
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from clinic.accounts import audit
from clinic.ops.cache import bump_generation
from clinic.pages import registry

FORMAT_VERSION = 1
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# Besides every page type (clinic.pages.registry): rows whose presence means "not empty".
CONTENT_MODELS = ["clinic.Reference", "clinic.Practitioner"]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


def media_files(storage=default_storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from media_files(storage, f"{folder}/{sub}" if folder else sub)


def backup(path: Path, storage=default_storage) -> dict:
    """Write the archive to `path`; return its manifest."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "data.json"
        # One snapshot for every table. (Inside a caller's transaction, as in tests, that
        # transaction decides.)
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                natural_foreign=True,
                natural_primary=True,
                output=str(data_file),
                verbosity=0,
            )
        rows = json.loads(data_file.read_text())
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "rows": dict(sorted(Counter(row["model"] for row in rows).items())),
            "files": {},
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(data_file, "data.json")
            for name in media_files(storage):
                with storage.open(name, "rb") as handle:
                    content = handle.read()
                manifest["files"][name] = hashlib.sha256(content).hexdigest()
                archive.writestr(f"media/{name}", content)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def installation_is_empty() -> bool:
    models = [
        *registry.page_models(),
        *(apps.get_model(label) for label in CONTENT_MODELS),
        get_user_model(),
    ]
    return not any(model.objects.exists() for model in models)


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
        archive.getinfo("data.json")
    except (KeyError, ValueError) as error:
        raise BackupError(f"This is not a clinic backup archive ({error}).") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore(path: Path, storage=default_storage) -> dict:
    """Load an archive into an empty, freshly migrated installation; return its manifest."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None
    with archive:
        manifest = read_manifest(archive)
        for name, digest in manifest["files"].items():
            if hashlib.sha256(archive.read(f"media/{name}")).hexdigest() != digest:
                raise BackupError(f"The archive is damaged: media/{name} does not match.")
        if not installation_is_empty():
            raise BackupError(
                "This installation already has content or users. Restore into an empty one: "
                "a new database, then `manage.py migrate`, then `manage.py restore`."
            )
        with tempfile.TemporaryDirectory() as tmp:
            data_file = Path(tmp) / "data.json"
            data_file.write_bytes(archive.read("data.json"))
            with transaction.atomic(), audit.paused():
                call_command("loaddata", str(data_file), verbosity=0)
        for name in manifest["files"]:
            content = archive.read(f"media/{name}")
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    if handle.read() == content:
                        continue
                raise BackupError(f"A different media file already exists at {name}.")
            saved = storage.save(name, ContentFile(content))
            if saved != name:
                raise BackupError(f"The media storage saved {name} as {saved}.")
    bump_generation()  # every app server's cached pages are out of date now
    return manifest
