"""
Where one page's time goes: pyinstrument over --requests requests of a public page, in process.

    DEBUG=true python manage.py profile_page /blog/some-article/ --cold
    DEBUG=true python manage.py profile_page /blog/some-article/ --fragments

--cold: page cache and fragments off (a first visit after a change); --fragments: page cache off,
fragments warm (a logged-in reader). Prints pyinstrument's call tree (`--html FILE` for the
interactive one). Needs the dev dependencies (pyinstrument).
"""

import logging

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Profile one public page with pyinstrument."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--requests", type=int, default=50)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--cold", action="store_true", help="No page cache, no fragments.")
        mode.add_argument("--fragments", action="store_true", help="Fragments warm.")
        parser.add_argument("--html", help="Write pyinstrument's HTML report here.")

    def handle(self, *args, path, requests, cold, fragments, html, **options):
        try:
            from pyinstrument import Profiler
        except ImportError as error:
            raise CommandError(
                "pyinstrument is a dev dependency: pip install -e '.[dev]'."
            ) from error
        logging.getLogger("clinic.requests").setLevel(logging.WARNING)
        client = Client()
        fragment_seconds = 600 if fragments else 0
        with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=fragment_seconds):
            for _ in range(2):  # process warm: imports, templates compiled, connection open
                if cold:
                    cache.clear()
                if client.get(path).status_code != 200:
                    raise CommandError(f"{path} does not answer 200.")
            profiler = Profiler(interval=0.0005)
            for _ in range(requests):
                if cold:
                    cache.clear()
                profiler.start()
                client.get(path)
                profiler.stop()
        if html:
            with open(html, "w") as file:
                file.write(profiler.output_html())
        self.stdout.write(profiler.output_text(unicode=True, show_all=False))
