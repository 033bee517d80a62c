"""Time the reference machinery: formatting, free-text parsing, and a page with 50 references.

python manage.py bench_references            # 1,000 of each, a table of per-item times
python manage.py bench_references --json     # the same as JSON

`make bench` runs it after the HTTP load test. Database work happens inside a transaction that
is rolled back, so it can run against any database, the benchmark's or a developer's.
"""

import itertools
import json
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.citations import formats
from clinic.citations.model import parse_reference
from clinic.citations.scoring import LABELLED_REFERENCES, load_labelled
from clinic.citations.style import format_references


class _Rollback(Exception):
    pass


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "items": len(times),
        "total_ms": _ms(sum(times)),
        "mean_ms": _ms(statistics.fmean(times)),
        "p50_ms": _ms(ordered[len(ordered) // 2]),
        "p95_ms": _ms(ordered[int(len(ordered) * 0.95) - 1]),
        "max_ms": _ms(ordered[-1]),
    }


class Command(BaseCommand):
    help = "Benchmark reference formatting, free-text parsing and a 50-reference page."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="References to format/parse.")
        parser.add_argument("--page-references", type=int, default=50)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        rows = load_labelled(str(LABELLED_REFERENCES))
        count = options["count"]
        texts = [row["text"] for row in itertools.islice(itertools.cycle(rows), count)]
        items = [
            {**row["expected"], "id": f"ref{n}"}
            for n, row in enumerate(itertools.islice(itertools.cycle(rows), count))
        ]
        report = {
            "format_batch": self.format_batch(items),
            "format_one_by_one": self.format_one_by_one(items),
            "parse": self.parse(texts),
            "preview_200": self.preview(texts),
            "page": self.page(options["page_references"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.print_table(report, count)

    def format_batch(self, items):
        """All items in one citeproc run, as a change of citation style reformats the library."""
        started = time.perf_counter()
        format_references(items, "vancouver")
        elapsed = time.perf_counter() - started
        return {"items": len(items), "total_ms": _ms(elapsed), "mean_ms": _ms(elapsed / len(items))}

    def format_one_by_one(self, items):
        """One citeproc run per item, as saving one reference does."""
        times = []
        for item in items:
            started = time.perf_counter()
            format_references([item], "vancouver")
            times.append(time.perf_counter() - started)
        return _summary(times)

    def parse(self, texts):
        """The trained parser, one reference at a time; the first call opens the model.

        CPU time is reported beside wall time: on a shared machine the wall time mostly measures
        the other jobs.
        """
        started = time.perf_counter()
        parse_reference(texts[0])
        self.load_ms = _ms(time.perf_counter() - started)
        times, cpu = [], []
        for text in texts:
            started, started_cpu = time.perf_counter(), time.process_time()
            parse_reference(text)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        return {
            **_summary(times),
            "first_call_ms": self.load_ms,
            "cpu_p50_ms": _ms(statistics.median(cpu)),
            "cpu_mean_ms": _ms(statistics.mean(cpu)),
        }

    def preview(self, texts):
        """What the import preview does with 200 pasted references: split the list, parse."""
        pasted = "\n".join(
            f"{n}. {text}"
            for n, text in enumerate(itertools.islice(itertools.cycle(texts), 200), 1)
        )
        started, started_cpu = time.perf_counter(), time.process_time()
        items = formats.read(pasted, "text")
        return {
            "items": len(items),
            "total_ms": _ms(time.perf_counter() - started),
            "cpu_ms": _ms(time.process_time() - started_cpu),
        }

    def page(self, size):
        """Save a post with `size` cited references, then serve it; nothing is kept."""
        from blog.models import Post, PostReference
        from clinic.pages.publishing import Status
        from clinic.practice.models import Practitioner
        from clinic.references.models import Reference

        result = {}
        try:
            with transaction.atomic():
                started = time.perf_counter()
                references = [
                    Reference(
                        key=f"benchref{n}",
                        authors=[
                            {"family": "Smith", "given": "J"},
                            {"family": "Jones", "given": "K"},
                        ],
                        title=f"A randomised trial of acupuncture number {n}",
                        container_title_short="BMJ",
                        year=2020,
                        volume="370",
                        pages=f"{n + 1}-{n + 9}",
                        doi=f"10.5555/bench-references.{n}",  # not generate_bench_data's
                        pmid=str(90_000_000 + n),
                    )
                    for n in range(size)
                ]
                for reference in references:
                    reference.save()
                result["save_references_ms"] = _ms(time.perf_counter() - started)
                author = Practitioner.objects.create(name="Bench Author", slug="bench-author-refs")
                body = "\n\n".join(f"Claim {n} [@benchref{n}]." for n in range(size))
                post = Post.objects.create(
                    title="Fifty references",
                    slug="bench-fifty-references",
                    author=author,
                    body=body,
                    status=Status.PUBLISHED,
                    published_at=timezone.now() - timezone.timedelta(minutes=1),
                )
                PostReference.objects.bulk_create(
                    PostReference(post=post, reference=ref, order=n)
                    for n, ref in enumerate(references)
                )
                started = time.perf_counter()
                post.save()  # renders the body and the reference list, as the admin does
                result["save_page_ms"] = _ms(time.perf_counter() - started)
                client = Client()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(post.get_absolute_url())
                    result["render_page_ms"] = _ms(time.perf_counter() - started)
                result["page_queries"] = len(queries)
                result["page_status"] = response.status_code
                result["references"] = size
                raise _Rollback
        except _Rollback:
            pass
        return result

    def print_table(self, report, count):
        write = self.stdout.write
        batch = report["format_batch"]
        write(f"{'what':<44} {'mean ms':>9} {'p50':>8} {'p95':>8} {'total ms':>10}")
        write(
            f"{f'format {count} (one citeproc run)':<44} {batch['mean_ms']:>9.3f} "
            f"{'':>8} {'':>8} {batch['total_ms']:>10.1f}"
        )
        for label, key in (
            (f"format {count}, one at a time (on save)", "format_one_by_one"),
            (f"parse {count} free-text references", "parse"),
        ):
            s = report[key]
            write(
                f"{label:<44} {s['mean_ms']:>9.3f} {s['p50_ms']:>8.3f} {s['p95_ms']:>8.3f} "
                f"{s['total_ms']:>10.1f}"
            )
        parse = report["parse"]
        write(
            f"parse, CPU time per reference: {parse['cpu_p50_ms']:.3f} ms p50, "
            f"{parse['cpu_mean_ms']:.3f} ms mean"
        )
        write(f"first parse (opens the model): {parse['first_call_ms']:.1f} ms")
        preview = report["preview_200"]
        write(
            f"read 200 pasted references as the import preview does: {preview['total_ms']:.1f} ms "
            f"({preview['cpu_ms']:.1f} ms CPU, {preview['items']} records)"
        )
        page = report["page"]
        n = page["references"]
        write(f"\nA page with {n} references:")
        write(f"  save {n} references (format each): {page['save_references_ms']:.1f} ms")
        write(f"  save the page (render body and list): {page['save_page_ms']:.1f} ms")
        write(
            f"  serve it: {page['render_page_ms']:.1f} ms, {page['page_queries']} SQL queries, "
            f"HTTP {page['page_status']}"
        )
