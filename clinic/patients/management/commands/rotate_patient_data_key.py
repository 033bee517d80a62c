from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.patients.models import AppointmentRequest, Comment

ENCRYPTED = {
    AppointmentRequest: ["name", "phone", "email", "preferred_times", "message", "notes"],
    Comment: ["author_email"],
}


class Command(BaseCommand):
    help = (
        "Re-encrypt all patient data with the current key (SECRET_KEY and the first of "
        "PATIENT_DATA_KEYS), after a new key was put first. Run it before removing an old key."
    )

    def handle(self, *args, **options):
        for model, fields in ENCRYPTED.items():
            count = 0
            with transaction.atomic():
                for row in model.objects.select_for_update().iterator(chunk_size=500):
                    # Read with any key, written again with the first one; digests refreshed.
                    check_readable(row, fields)
                    row.save(update_fields=fields)
                    count += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted.")


def check_readable(row, fields):
    """The library leaves a value it cannot decrypt as the token itself: never re-encrypt that."""
    for name in fields:
        value = getattr(row, name)
        if not isinstance(value, str) or not value.startswith("gAAAAA") or len(value) < 80:
            continue
        try:
            row._meta.get_field(name).f.decrypt(value.encode())
        except InvalidToken:
            raise CommandError(
                f"{row._meta.label} #{row.pk} cannot be read with the configured keys: put the "
                "old SECRET_KEY back in SECRET_KEY_FALLBACKS (or the old entry in "
                "PATIENT_DATA_KEYS) and run this again."
            ) from None
