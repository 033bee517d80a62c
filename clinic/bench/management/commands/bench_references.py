"""Time the reference machinery: formatting, free-text parsing, a page with 50 references, and
the import preview of 200 pasted references end to end against a 5,000-reference library.

python manage.py bench_references            # 1,000 of each, a table of per-item times
python manage.py bench_references --json     # the same as JSON
python manage.py bench_references --only-import-preview   # only the import preview

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
from clinic.citations.scoring import LABELLED_REFERENCES, UNSEEN_REFERENCES, load_labelled
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
        parser.add_argument(
            "--library", type=int, default=5000, help="Library size for the import preview."
        )
        parser.add_argument(
            "--pasted", type=int, default=200, help="References pasted into the import preview."
        )
        parser.add_argument(
            "--repeat", type=int, default=5, help="Import previews timed (the first is cold)."
        )
        parser.add_argument(
            "--only-import-preview", action="store_true", help="Time the import preview only."
        )
        parser.add_argument(
            "--in-library-every",
            type=int,
            default=4,
            help="Every Nth pasted reference is already in the library (0: none).",
        )

    def handle(self, *args, **options):
        rows = load_labelled(str(LABELLED_REFERENCES))
        count = options["count"]
        texts = [row["text"] for row in itertools.islice(itertools.cycle(rows), count)]
        items = [
            {**row["expected"], "id": f"ref{n}"}
            for n, row in enumerate(itertools.islice(itertools.cycle(rows), count))
        ]
        import_preview = self.import_preview(
            options["pasted"], options["library"], options["repeat"], options["in_library_every"]
        )
        if options["only_import_preview"]:
            report = {"import_preview": import_preview}
            if options["json"]:
                self.stdout.write(json.dumps(report, indent=2))
            else:
                self.print_import_preview(import_preview)
            return
        report = {
            "import_preview": import_preview,
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

    def import_preview(self, pasted_count, library_size, repeat, in_library_every=4):
        """POST pasted references to the admin's import page, as a practitioner does: the
        whole request (read, check, duplicates against the library, format, render the page).

        The library holds ``library_size`` references, every ``in_library_every``th pasted one
        among them (so duplicates are found; 0 for none); the pasted strings are the project's
        labelled and unseen references, each different. Nothing is kept.
        """
        from django.contrib.auth.models import User
        from django.urls import reverse

        from clinic.references.models import Reference

        rows = load_labelled(str(LABELLED_REFERENCES)) + load_labelled(str(UNSEEN_REFERENCES))
        # Strings holding two references run together would make the list longer than asked.
        rows = [row for row in rows if len(formats.read(row["text"], "text")) == 1]
        rows = list(itertools.islice(itertools.cycle(rows), pasted_count))
        pasted = "\n".join(f"{n}. {row['text']}" for n, row in enumerate(rows, 1))
        result = {"pasted": pasted_count, "library": library_size}
        try:
            with transaction.atomic():
                known = rows[::in_library_every] if in_library_every else []
                library = [Reference.from_csl(row["expected"]) for row in known]
                library = [ref for ref in library if ref.title or ref.container_title]
                for n, ref in enumerate(library):
                    ref.key, ref.formatted_text = f"benchdup{n}", ref.title
                library += [_library_reference(n) for n in range(library_size - len(library))]
                # One DOI or PMID per reference, as the library's constraints require.
                seen = set()
                for ref in library:
                    for name in ("doi", "pmid"):
                        value = getattr(ref, name).lower()
                        if value and (name, value) in seen:
                            setattr(ref, name, "")
                        seen.add((name, value))
                Reference.objects.bulk_create(library, batch_size=500)
                user = User.objects.create_superuser("bench-import", "bench@example.com", None)
                client = Client()
                client.force_login(user)
                url = reverse("admin:clinic_reference_import")
                times, cpu = [], []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        started_cpu = time.process_time()
                        response = client.post(url, {"text": pasted, "format": ""})
                        times.append(time.perf_counter() - started)
                        cpu.append(time.process_time() - started_cpu)
                    body = response.content.decode()
                result.update(
                    status=response.status_code,
                    rows=body.count('name="chosen"'),
                    duplicates=body.count("Already in the library"),
                    queries=len(queries),
                    cold_ms=_ms(times[0]),
                    warm_ms=[_ms(t) for t in times[1:]],
                    warm_p50_ms=_ms(statistics.median(times[1:] or times)),
                    warm_cpu_p50_ms=_ms(statistics.median(cpu[1:] or cpu)),
                    **self.import_preview_parts(pasted, user),
                )
                raise _Rollback
        except _Rollback:
            pass
        return result

    def import_preview_parts(self, pasted, user):
        """Where the preview's time goes: the view's steps timed one by one (CPU time of the
        process, so that other jobs on the machine do not count)."""
        from django.contrib import admin
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        from clinic.pages.reference_admin import ImportForm, _preview_context
        from clinic.references import importing
        from clinic.references.models import Reference

        timed = {}
        started = time.process_time()
        items = formats.read(pasted, "text")
        timed["part_read_cpu_ms"] = _ms(time.process_time() - started)
        records = [(item.source, item.csl, item.problems) for item in items]
        started = time.process_time()
        candidates = importing.check(records)
        timed["part_check_cpu_ms"] = _ms(time.process_time() - started)
        started = time.process_time()
        context = _preview_context(candidates, "text")
        timed["part_format_and_sign_cpu_ms"] = _ms(time.process_time() - started)
        started = time.process_time()
        request = RequestFactory().post("/")
        request.user = user
        context.update(admin.site.each_context(request), opts=Reference._meta, form=ImportForm())
        render_to_string("admin/clinic/reference/import.html", context, request)
        timed["part_template_cpu_ms"] = _ms(time.process_time() - started)
        return timed

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

    def print_import_preview(self, result):
        write = self.stdout.write
        write(
            f"Import preview: POST {result['pasted']} pasted references, library of "
            f"{result['library']:,}: HTTP {result['status']}, {result['rows']} rows, "
            f"{result['duplicates']} found in the library, {result['queries']} SQL queries"
        )
        write(
            f"  cold {result['cold_ms']:.0f} ms; warm p50 {result['warm_p50_ms']:.0f} ms "
            f"({result['warm_cpu_p50_ms']:.0f} ms CPU); warm runs "
            + ", ".join(f"{ms:.0f}" for ms in result["warm_ms"])
        )
        write(
            f"  parts (CPU): read {result['part_read_cpu_ms']:.0f} ms, check and duplicates "
            f"{result['part_check_cpu_ms']:.0f} ms, format and sign "
            f"{result['part_format_and_sign_cpu_ms']:.0f} ms, template (alone) "
            f"{result['part_template_cpu_ms']:.0f} ms"
        )

    def print_table(self, report, count):
        write = self.stdout.write
        self.print_import_preview(report["import_preview"])
        write("")
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


def _library_reference(n):
    """A library reference unlike any pasted one (generate_bench_data's kind)."""
    from clinic.references.models import Reference

    family = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts"][n % 8]
    title = f"Acupuncture and usual care in trial {n} of chronic pain in primary care"
    return Reference(
        key=f"benchlib{n}",
        authors=[{"family": family, "given": "A"}, {"family": "Green", "given": "B"}],
        title=title,
        container_title="British Medical Journal",
        container_title_short="BMJ",
        year=1995 + n % 30,
        volume=str(n % 400),
        pages=f"{n}-{n + 7}",
        doi=f"10.5555/bench-import.{n}",
        formatted_text=title,
    )
