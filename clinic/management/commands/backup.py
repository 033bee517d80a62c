"""manage.py backup [ARCHIVE]: the whole database and every media file in one zip archive."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one consistent archive of the database content and the media files."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="Where to write it (default: clinic-backup-YYYYmmdd-HHMMSS.zip here).",
        )

    def handle(self, *args, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(options["archive"] or f"clinic-backup-{stamp}.zip")
        if path.exists():
            raise CommandError(f"{path} already exists; choose another name.")
        try:
            manifest = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Wrote {path}: {rows} rows of {len(manifest['rows'])} models, "
            f"{len(manifest['files'])} media files."
        )
