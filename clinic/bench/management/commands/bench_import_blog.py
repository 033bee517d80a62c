"""Time an import of a large Blogger export and a second import of the same file.

Run it on a database of its own (it writes the benchmark's posts), e.g.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench_import \\
        .venv/bin/python manage.py bench_import_blog

It writes the export with generate_blog_export (1,000 posts, 3,000 comments, 5,000 references)
unless given one, imports it without image downloads, imports it again, and prints the times
and the process's peak memory (resident set size).
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from clinic.migration import importer
from clinic.ops.middleware import QueryCounter


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Time the import of a large Blogger export and its re-import (see docs/migration.md)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="An export to use instead of a generated one.")

    def handle(self, *args, file=None, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(file) if file else Path(folder) / "feed.atom"
            if not file:
                call_command("generate_blog_export", str(path), stdout=self.stdout)
            self.stdout.write(f"Export: {path.stat().st_size / 1e6:.1f} MB")
            baseline = peak_mb()
            opts = importer.Options(fetch_images=False)
            queries = [QueryCounter(), QueryCounter()]
            started, cpu = time.monotonic(), cpu_seconds()
            with connection.execute_wrapper(queries[0]):
                plan = importer.plan(path, opts)
                checked = time.monotonic() - started, cpu_seconds() - cpu
                report = importer.run(path, opts, total=plan.total)
            first = time.monotonic() - started, cpu_seconds() - cpu
            started, cpu = time.monotonic(), cpu_seconds()
            with connection.execute_wrapper(queries[1]):
                plan = importer.plan(path, opts)
                again = importer.run(path, opts, total=plan.total)
            second = time.monotonic() - started, cpu_seconds() - cpu
        for name, count in sorted(report["counts"].items()):
            self.stdout.write(f"  {name}: {count}")
        # CPU time is this process's own (with SQLite, the database's work too); on a busy
        # machine it is closer to what an idle one would take than the wall-clock time.
        self.stdout.write(f"check + preview: {checked[0]:.1f} s ({checked[1]:.1f} s CPU)")
        self.stdout.write(
            f"first import (check, preview and writing): {first[0]:.1f} s ({first[1]:.1f} s CPU)"
        )
        self.stdout.write(
            f"second import (nothing changes): {second[0]:.1f} s ({second[1]:.1f} s CPU); "
            f"{sum(v for k, v in again['counts'].items() if 'unchanged' in k)} items unchanged"
        )
        first_queries, second_queries = (counter.count for counter in queries)
        items = plan.total or 1
        self.stdout.write(
            f"queries: first import {first_queries} ({first_queries / items:.1f} per item), "
            f"second {second_queries} ({second_queries / items:.2f} per item), "
            f"for {plan.total} items (posts, pages and comments)"
        )
        self.stdout.write(f"peak memory: {peak_mb():.0f} MB (Django loaded: {baseline:.0f} MB)")
