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
import logging
import shutil
import tempfile
import uuid
import zipfile
import zlib
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

logger = logging.getLogger(__name__)

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
        manifest["data"] = hashlib.sha256(data_file.read_bytes()).hexdigest()
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
        manifest = json.loads(_read(archive, "manifest.json"))
        archive.getinfo("data.json")
    except (KeyError, ValueError) as error:
        raise BackupError(f"This is not a clinic backup archive ({error}).") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


STAGING = ".restore-staging"


def _safe_media_name(name: str) -> bool:
    """A relative path inside the media folder: no `..`, no absolute path, no backslash."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and not parts[0].startswith(STAGING)


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise BackupError(f"The archive is damaged: {member} cannot be read ({error}).") from None


def _check_members(archive: zipfile.ZipFile, manifest: dict) -> None:
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise BackupError("The archive is damaged: a member appears twice.")
    expected = {"data.json", "manifest.json"} | {f"media/{name}" for name in manifest["files"]}
    for name in list(manifest["files"]) + [
        n[len("media/") :] for n in names if n.startswith("media/")
    ]:
        if not _safe_media_name(name):
            raise BackupError(f"The archive names a media file outside the media folder: {name!r}.")
    if set(names) != expected:
        extra = sorted(set(names) - expected)
        missing = sorted(expected - set(names))
        raise BackupError(
            "The archive does not match its manifest"
            + (f"; not listed: {', '.join(extra[:5])}" if extra else "")
            + (f"; missing: {', '.join(missing[:5])}" if missing else "")
            + "."
        )


def _check_rows(rows) -> None:
    """Every row names a model and fields this installation has (the same schema)."""
    if not isinstance(rows, list):
        raise BackupError("The archive is damaged: data.json is not a list of rows.")
    for row in rows:
        try:
            model = apps.get_model(row["model"])
            fields = row.get("fields", {})
        except (KeyError, TypeError, LookupError, ValueError):
            label = row.get("model") if isinstance(row, dict) else row
            raise BackupError(
                f"The archive holds rows this installation has no table for ({label!r}): it was "
                "made by another version of the site. Restore it with that version."
            ) from None
        known = {field.name for field in model._meta.get_fields()}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise BackupError(
                f"The archive's {row['model']} rows have fields this installation does not know "
                f"({', '.join(unknown)}): it was made by another version of the site."
            )


def restore(path: Path, storage=default_storage) -> dict:
    """Load an archive into an empty, freshly migrated installation; return its manifest.

    All or nothing. First everything is checked: the archive reads, every member is listed in
    the manifest and named inside the media folder, every checksum matches, every row fits this
    installation's schema, the installation is empty and no media file would be overwritten.
    Then the media files are written to a staging folder, the rows are loaded in one
    transaction, and the staged files are moved into place inside that transaction: if any step
    fails, the rows are rolled back and the files written so far removed, and BackupError says
    what went wrong.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None
    with archive:
        manifest = read_manifest(archive)
        _check_members(archive, manifest)
        data = _read(archive, "data.json")
        if "data" in manifest and hashlib.sha256(data).hexdigest() != manifest["data"]:
            raise BackupError("The archive is damaged: data.json does not match its checksum.")
        media = {}
        for name, digest in manifest["files"].items():
            content = _read(archive, f"media/{name}")
            if hashlib.sha256(content).hexdigest() != digest:
                raise BackupError(f"The archive is damaged: media/{name} does not match.")
            media[name] = content
        try:
            rows = json.loads(data)
        except ValueError:
            raise BackupError("The archive is damaged: data.json is not valid JSON.") from None
        _check_rows(rows)
        if not installation_is_empty():
            raise BackupError(
                "This installation already has content or users. Restore into an empty one: "
                "a new database, then `manage.py migrate`, then `manage.py restore`."
            )
        clashes = [name for name in media if storage.exists(name)]
        if clashes:
            raise BackupError(
                f"The media folder already has files the archive would replace ({clashes[0]}"
                + (f" and {len(clashes) - 1} more" if len(clashes) > 1 else "")
                + "). Restore into an empty media folder."
            )

    staging = f"{STAGING}-{uuid.uuid4().hex[:8]}"
    staged, placed = [], []
    try:
        for name, content in media.items():
            staged.append(storage.save(f"{staging}/{name}", ContentFile(content)))
        with tempfile.TemporaryDirectory() as tmp:
            data_file = Path(tmp) / "data.json"
            data_file.write_bytes(data)
            with transaction.atomic(), audit.paused():
                call_command("loaddata", str(data_file), verbosity=0)
                for name in media:
                    with storage.open(f"{staging}/{name}", "rb") as handle:
                        saved = storage.save(name, handle)
                    placed.append(saved)
                    if saved != name:
                        raise BackupError(f"The media storage saved {name} as {saved}.")
    except BackupError:
        _delete(storage, placed)
        raise
    except Exception as error:
        _delete(storage, placed)
        raise BackupError(
            f"The restore failed and nothing was changed: {type(error).__name__}: "
            f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        ) from None
    finally:
        _delete(storage, staged)
        if hasattr(storage, "path"):  # local disk: the staging folders too
            shutil.rmtree(storage.path(staging), ignore_errors=True)
    bump_generation()  # every app server's cached pages are out of date now
    return manifest


def _delete(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not remove %s after a failed restore", name)
