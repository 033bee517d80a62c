"""How much a contact-form submission costs on the server, and how many bots get through.

Two measurements on the configured database and cache (run it on the production-like stack to
get production numbers; `DEBUG=true` for SQLite and the in-process cache):

1. Server time per accepted submission: Django's test client posts the form through the whole
   middleware stack (CSRF checks off, as the test client does); each request's wall time is
   taken, after a warm-up that derives the encryption keys once. Every request comes from its own
   address so that the rate limit never refuses one. The reception e-mail is sent through the
   in-memory mail backend (so no real mail goes out); the task still runs.
2. Bots: 200 submissions within a minute from one address, a mix of honeypot fillers,
   too-fast posts and patient-looking posts (a bot that waits). Counts what reached the
   database and whether any honeypot filler did.

Every row the benchmark makes is deleted at the end.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.test import Client, override_settings

from clinic.patients import spam
from clinic.patients.models import AppointmentRequest

BOT_MARK = "Benchmark bot"
PERSON_MARK = "Benchmark person"


def form(name, *, started_ago=30.0, honeypot=""):
    from django.core import signing

    return {
        "kind": "appointment",
        "name": name,
        "phone": "07700 900000",
        "email": "bench@example.org",
        "patient": "new",
        "preferred_times": "Mornings",
        "message": "Benchmark: low back pain",
        "consent": "on",
        "website": honeypot,
        "started": signing.dumps(time.time() - started_ago, salt=spam._SALT, compress=False),
    }


class Command(BaseCommand):
    help = "Time contact-form submissions on the server and count bots that get through."

    def add_arguments(self, parser):
        parser.add_argument("--submissions", type=int, default=200)

    @override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    )
    def handle(self, *args, submissions=200, **options):
        before = set(AppointmentRequest.objects.values_list("pk", flat=True))
        try:
            self.time_submissions(submissions)
            self.count_bots()
        finally:
            AppointmentRequest.objects.exclude(pk__in=before).delete()

    def time_submissions(self, count):
        client = Client()
        run = random.randrange(10**6)
        for warm_up in range(5):
            client.post("/contact/", form(PERSON_MARK), REMOTE_ADDR=f"10.{warm_up}.0.1")
        times = []
        for number in range(count):
            address = f"10.{100 + number // 250}.{number % 250}.{run % 250}"
            started = time.perf_counter()
            response = client.post("/contact/", form(PERSON_MARK), REMOTE_ADDR=address)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
        stored = AppointmentRequest.objects.count()
        times.sort()
        median, p95 = statistics.median(times), times[int(len(times) * 0.95)]
        self.stdout.write(
            f"Accepted submissions: {count} (rows now {stored}); server time per submission "
            f"median {median:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
        )

    def count_bots(self):
        client = Client()
        address = f"192.0.2.{random.randrange(1, 250)}"
        before = set(AppointmentRequest.objects.values_list("pk", flat=True))
        kinds = ["honeypot"] * 100 + ["too fast"] * 50 + ["patient-looking"] * 50
        random.shuffle(kinds)
        started = time.monotonic()
        answers = set()
        for kind in kinds:
            if kind == "honeypot":
                data = form(f"{BOT_MARK} honeypot", honeypot="http://cheap.example")
            elif kind == "too fast":
                data = form(f"{BOT_MARK} fast", started_ago=0.1)
            else:
                data = form(f"{BOT_MARK} patient-looking")
            response = client.post("/contact/", data, REMOTE_ADDR=address)
            answers.add((response.status_code, response.get("Location")))
        seconds = time.monotonic() - started
        new = AppointmentRequest.objects.exclude(pk__in=before)
        names = [row.name for row in new]  # decrypted: the name column is ciphertext
        self.stdout.write(
            f"Bots: {len(kinds)} submissions from {address} in {seconds:.1f} s; "
            f"{len(names)} reached the database "
            f"({sum('honeypot' in name for name in names)} of them honeypot fillers); "
            f"every answer was {sorted(answers)}"
        )
