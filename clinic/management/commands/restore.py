"""manage.py restore ARCHIVE: bring a backup back into an empty, freshly migrated installation."""

from django.core.management.base import BaseCommand, CommandError

from clinic.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore an archive written by `manage.py backup` into an empty installation."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        try:
            manifest = restore(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['files'])} media files "
            f"(backup of {manifest['created']} from {manifest['database']})."
        )
