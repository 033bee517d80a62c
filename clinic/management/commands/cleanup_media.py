"""List (and with --delete remove) uploaded images that nothing uses any more.

A file is in use when its name, or the random token it shares with its renditions, appears
anywhere in the clinic's, blog's or conditions' rows (Markdown, stored HTML, image fields,
rendition lists, pending revisions) or in the saved history (django-reversion), so restoring an
old version never finds its images gone. Files younger than --min-age-hours are kept: an image
dragged into the editor is stored before the page is saved.

Works through Django's storage API, so on local disk and on S3 alike.
"""

import datetime
import re

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from clinic.ops.cache import content_apps

UPLOAD_FOLDERS = ("uploads", "posts", "practitioners")
TOKEN = re.compile(r"[0-9a-f]{32}")


def walk(storage, folder):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from walk(storage, f"{folder}/{directory}")


def referenced_text() -> str:
    """Every text a stored file name could appear in, joined."""
    parts = []
    for label in sorted(content_apps()):  # ours and every page type's
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name == "inlineimage":
                continue  # the list of uploads itself, not a use of them
            fields = [
                f.name
                for f in model._meta.concrete_fields
                # JSON: rendition lists, pending revisions
                if isinstance(
                    f, models.CharField | models.TextField | models.FileField | models.JSONField
                )
            ]
            for row in model._default_manager.values_list(*fields):
                parts.extend(str(value) for value in row if value)
    if apps.is_installed("reversion"):
        from reversion.models import Version

        parts.extend(Version.objects.values_list("serialized_data", flat=True))
    return "\n".join(parts)


def unused_files(storage, *, min_age: datetime.timedelta, folders=UPLOAD_FOLDERS) -> list[str]:
    text = referenced_text()
    tokens = set(TOKEN.findall(text))
    cutoff = timezone.now() - min_age
    unused = []
    for folder in folders:
        try:
            names = list(walk(storage, folder))
        except FileNotFoundError:  # local disk, nothing uploaded there yet
            continue
        for name in names:
            token = TOKEN.search(name.rsplit("/", 1)[-1])
            in_use = token.group(0) in tokens if token else name in text
            if not in_use and storage.get_modified_time(name) < cutoff:
                unused.append(name)
    return sorted(unused)


class Command(BaseCommand):
    help = (
        "List uploaded images that no page, profile or saved version uses; --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove them (default: list).")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=24,
            help="Keep files younger than this (default 24): uploads of pages not yet saved.",
        )

    def handle(self, *, delete, min_age_hours, **options):
        storage = default_storage
        unused = unused_files(storage, min_age=datetime.timedelta(hours=min_age_hours))
        for name in unused:
            if delete:
                storage.delete(name)
            self.stdout.write(("Deleted " if delete else "Unused ") + name)
        verb = "Deleted" if delete else "Found"
        hint = "" if delete or not unused else " Run again with --delete to remove them."
        self.stdout.write(f"{verb} {len(unused)} unused file(s).{hint}")
