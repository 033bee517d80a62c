"""
What every public page type costs uncached at 1,000 and at 100,000 articles, and the ratio.

In one process, through Django's test client (the whole middleware stack and templates, no
HTTP server): the page cache off and fragments off (FRAGMENT_CACHE_SECONDS=0), so each request
is a cold render, every query and every template. For each data size the database is filled by
generate_bench_data (varied text, --replace), then each page type is requested --requests times
after two warm-up requests (process and database caches warm, ours cold); the median, p90 and
queries per request are reported, then the ratio of the largest size to the smallest.

Target (issue 18): every page type at 100,000 articles within 1.5 x its cost at 1,000, and a
search at 100,000 within 3 x an article page. `make bench-scale` runs it on PostgreSQL.
"""

import json
import logging
import os
import statistics
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse


def database_cpu_ns():
    """(pid, CPU nanoseconds so far) of this connection's PostgreSQL backend, when it runs on
    this machine (/proc/<pid>/schedstat); None otherwise."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return pid, int(stat.read().split()[0])
    except OSError:
        return None


class Command(BaseCommand):
    help = "Uncached cost of every public page type at 1,000 and 100,000 articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", default="1000,100000", help="Article counts, comma-separated."
        )
        parser.add_argument("--requests", type=int, default=21, help="Timed requests per page.")
        parser.add_argument(
            "--json", default="bench-scale.json", help="Where to write the results."
        )
        parser.add_argument("--conditions", type=int, default=300)
        parser.add_argument("--references", type=int, default=5_000)
        parser.add_argument(
            "--reuse", action="store_true", help="Measure the data already there (one size)."
        )

    def handle(self, *args, **options):
        # The request log would print a line per measured request.
        logging.getLogger("clinic.requests").setLevel(logging.WARNING)
        call_command("migrate", verbosity=0, interactive=False)
        sizes = [int(size) for size in options["sizes"].split(",")]
        results = {}
        for size in sizes:
            if not options["reuse"]:
                self.stdout.write(f"Generating {size:,} articles…")
                started = time.perf_counter()
                call_command(
                    "generate_bench_data",
                    posts=size,
                    conditions=options["conditions"],
                    references=options["references"],
                    replace=True,
                    stdout=self.stdout,
                )
                self.stdout.write(f"  in {time.perf_counter() - started:.0f} s")
            results[size] = self.measure(options["requests"])
            self.print_size(size, results[size])
        report = {
            "load_average": [round(n, 2) for n in os.getloadavg()],
            "cpus": os.cpu_count(),
            "database": connection.vendor,
            "requests": options["requests"],
            "sizes": results,
        }
        if len(sizes) > 1:
            report["ratios"] = self.print_ratios(results, sizes[0], sizes[-1])
        Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(
            f"\nLoad average (1, 5, 15 min) at the end: {report['load_average']} on "
            f"{os.cpu_count()} cores (a shared machine: compare ratios, not times)."
        )

    def pages(self):
        from blog.models import Post, Tag
        from clinic.practice.models import Practitioner
        from conditions.models import Condition

        posts = Post.objects.published().order_by("-published_at")
        post = posts[min(500, posts.count() - 1)]
        conditions = Condition.objects.published().order_by("name")
        condition = conditions[min(100, conditions.count() - 1)]
        tag = Tag.objects.order_by("slug").first()
        year = post.published_at.year
        month = post.published_at.month
        return {
            "home": reverse("clinic:home"),
            "blog index": reverse("blog:index"),
            "blog index p.5": reverse("blog:index") + "?page=5",
            "article": post.get_absolute_url(),
            "tag": tag.get_absolute_url(),
            "year archive": reverse("blog:archive_year", args=[str(year)]),
            "month archive": reverse("blog:archive_month", args=[str(year), f"{month:02}"]),
            "conditions A-Z": reverse("conditions:index"),
            "condition": condition.get_absolute_url(),
            "practitioner": Practitioner.objects.filter(slug__startswith="bench-")
            .first()
            .get_absolute_url(),
            "search": reverse("clinic:search") + "?q=acupuncture+back+pain",
            "search rare": reverse("clinic:search") + "?q=tinnitus+yoga",
            "feed": reverse("feeds:posts"),
            "tag feed": reverse("feeds:tag", args=[tag.slug]),
            "sitemap index": reverse("sitemap"),
            "sitemap articles": reverse("sitemap-section", args=["articles"]),
        }

    def measure(self, requests):
        from django.core.cache import cache

        client = Client()
        results = {}
        with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
            for name, path in self.pages().items():
                times, cpu = [], []
                for attempt in range(requests + 2):
                    cache.clear()
                    database = database_cpu_ns()
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        own = time.process_time_ns()
                        response = client.get(path)
                        own = time.process_time_ns() - own
                        elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        raise CommandError(f"{name} ({path}) answered {response.status_code}.")
                    if attempt >= 2:
                        times.append(elapsed * 1000)
                        after = database_cpu_ns()
                        if database and after and after[0] == database[0]:
                            cpu.append((own + after[1] - database[1]) / 1e6)
                times.sort()
                results[name] = {
                    "path": path,
                    "median_ms": round(statistics.median(times), 2),
                    "p90_ms": round(times[int(len(times) * 0.9) - 1], 2),
                    # CPU time of this process and of its PostgreSQL backend: far less
                    # sensitive than wall time to other work on a shared machine.
                    "cpu_ms": round(statistics.median(cpu), 2) if cpu else None,
                    "queries": len(queries.captured_queries),
                    "bytes": len(response.content),
                }
        return results

    def print_size(self, size, results):
        self.stdout.write(f"\n{size:,} articles, load average {os.getloadavg()[0]:.1f}")
        self.stdout.write(
            f"{'page':16} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>7} {'SQL':>4} {'bytes':>8}"
        )
        for name, row in results.items():
            cpu = f"{row['cpu_ms']:7.1f}" if row["cpu_ms"] is not None else f"{'-':>7}"
            self.stdout.write(
                f"{name:16} {row['median_ms']:10.1f} {row['p90_ms']:8.1f} {cpu} "
                f"{row['queries']:4} {row['bytes']:8}"
            )

    def print_ratios(self, results, small, large):
        self.stdout.write(f"\n{'page':16} {small:>10,} {large:>10,} {'ratio':>7} {'CPU ratio':>9}")
        ratios = {}
        for name in results[small]:
            before, after = results[small][name]["median_ms"], results[large][name]["median_ms"]
            ratios[name] = round(after / before, 2)
            cpu_before, cpu_after = results[small][name]["cpu_ms"], results[large][name]["cpu_ms"]
            cpu = f"{cpu_after / cpu_before:9.2f}" if cpu_before and cpu_after else f"{'-':>9}"
            self.stdout.write(f"{name:16} {before:10.1f} {after:10.1f} {ratios[name]:7.2f} {cpu}")
        search, article = results[large]["search"]["median_ms"], results[large]["article"]
        self.stdout.write(
            f"Search at {large:,}: {search / article['median_ms']:.2f} x the article page."
        )
        return ratios
