from django.conf import settings
from django.core.management.base import BaseCommand

from clinic.patients.services import delete_expired_requests


class Command(BaseCommand):
    help = (
        "Delete appointment requests and enquiries booked or closed, and patients' questions "
        "rejected or marked as spam, more than PATIENT_REQUEST_RETENTION_DAYS days ago (run "
        "daily from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override PATIENT_REQUEST_RETENTION_DAYS for this run.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.PATIENT_REQUEST_RETENTION_DAYS if days is None else days
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            return
        requests, questions = delete_expired_requests(days=days)
        self.stdout.write(
            f"Deleted {requests} request(s) closed and {questions} question(s) rejected more "
            f"than {days} days ago."
        )
