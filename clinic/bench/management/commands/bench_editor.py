"""Time the editor's server side (the live preview with its writing checks, and autosave), and
weigh an article with one dragged-in photo in Chromium.

python manage.py bench_editor            # tables of per-request times and page weights
python manage.py bench_editor --json     # the same as JSON
python manage.py bench_editor --photo a.jpg --photo b.jpg   # weigh with these photos
python manage.py bench_editor --no-weight                   # times only (no Chromium)

The preview is measured on a 3,000-word article citing 40 references (the demo articles' text,
repeated, with a citation at the end of paragraphs), the autosave on that article's whole admin
form. Both go through Django's full request cycle (middleware, log-in, CSRF off as in tests) in
this process. Everything is created inside a transaction that is rolled back, so it can run
against any database. The first writing check of a process also loads textstat's pronouncing
dictionary; that is reported apart.

The page weight (clinic/bench/page_weight.py) is measured with a noisy synthetic photo and, when
Debian's mate-backgrounds package is installed, every one of its twelve nature photographs (or
the photos given with --photo), on a 390 px phone at 1x, 2x and 3x and on a 1280 px desktop.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


class _Rollback(Exception):
    pass


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "runs": len(times),
        "p50_ms": _ms(ordered[len(ordered) // 2]),
        "p95_ms": _ms(ordered[max(0, int(len(ordered) * 0.95) - 1)]),
        "max_ms": _ms(ordered[-1]),
        "mean_ms": _ms(statistics.fmean(times)),
    }


def article_text(words: int = 3000, citations: int = 40) -> str:
    """Real prose (the demo articles), repeated to `words` words, citing `citations` keys."""
    from clinic.management.commands.load_demo import BACK_PAIN_POST, STRESS_POST, unwrap

    paragraphs = [
        block.strip()
        for source in (unwrap(BACK_PAIN_POST), unwrap(STRESS_POST))
        for block in source.split("\n\n")
        if block.strip() and "[@" not in block
    ]
    from clinic.pages import checks

    out, cited, index = [], 0, 0
    # Words as the editor counts them (prose, without citations and Markdown marks).
    while checks.analyse("\n\n".join(out)).words < words:
        block = paragraphs[index % len(paragraphs)]
        index += 1
        if not block.startswith(("#", ":::", "-", "|")) and cited < citations:
            block = f"{block.rstrip('.')} [@benchcite{cited}]."
            cited += 1
        out.append(block)
    while cited < citations:  # short paragraphs: cite the rest at the end
        out.append(f"Further reading [@benchcite{cited}].")
        cited += 1
    return "\n\n".join(out)


class Command(BaseCommand):
    help = "Benchmark the editor: live preview with writing checks, and autosave."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--words", type=int, default=3000)
        parser.add_argument("--citations", type=int, default=40)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--photo",
            action="append",
            default=[],
            help="A photo to weigh the article with (repeatable). Default: a noisy synthetic one "
            "and the real photographs of Debian's mate-backgrounds, if installed.",
        )
        parser.add_argument(
            "--no-weight", action="store_true", help="Skip the page weight (needs Chromium)."
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic(), override_settings(PREVIEW_RATE_PER_MINUTE=100_000):
                report = self.measure(options["runs"], options["words"], options["citations"])
                if not options["no_weight"]:
                    report["page_weight"] = self.weigh(options["photo"])
                raise _Rollback
        except _Rollback:
            pass
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"Article: {report['words']:,} words, {report['citations']} citations, "
            f"{report['findings']} writing-check findings"
        )
        self.stdout.write(
            f"{'request':<28}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'queries':>9}"
        )
        for name in ("preview", "autosave"):
            row = report[name]
            self.stdout.write(
                f"{name:<28}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}"
                f"{row['queries']:>9}"
            )
        self.stdout.write(
            f"First writing check in a process (loads textstat's dictionary): "
            f"{report['checks_first_use_ms']} ms"
        )
        if "page_weight" in report:
            self.write_weights(report["page_weight"])

    def weigh(self, paths):
        from pathlib import Path

        from clinic.bench import page_weight
        from clinic.practice.models import Practitioner

        photos = {"noisy (synthetic)": page_weight.noisy_photo()}
        if paths:
            photos.update({Path(path).name: Path(path).read_bytes() for path in paths})
        else:
            photos.update(page_weight.real_photos())
        user = get_user_model().objects.create_superuser("bench-weight", "weight@example.org")
        author = Practitioner.objects.create(name="Bench Photographer", slug="bench-photographer")
        report = page_weight.measure(
            photos, user=user, author=author, text=article_text(words=800, citations=0)
        )
        return report

    def write_weights(self, report):
        from clinic.bench.page_weight import PHONE_BUDGET, SCREENS

        self.stdout.write(
            "\nArticle (800 words) with one photo, KB Chromium received (bodies as sent + headers;"
            f" phone budget {PHONE_BUDGET // 1024} KB); rendition chosen"
        )
        self.stdout.write(f"{'photo':<22}" + "".join(f"{screen:>22}" for screen in SCREENS))
        first = next(iter(report.values()))["phone 1x"]
        self.stdout.write(
            "(the page without its image: "
            + ", ".join(
                f"{row['url']} {row['body'] + row['headers']:,} B"
                for row in first["responses"]
                if not row["type"].startswith("image/")
            )
            + ")"
        )
        for name, weights in report.items():
            cells = "".join(
                f"{weights[s]['total'] / 1024:>9.1f} {weights[s]['rendition']:>12}" for s in SCREENS
            )
            self.stdout.write(f"{name[:21]:<22}{cells}")
        real = [w for name, w in report.items() if not name.startswith("noisy")]
        if len(real) > 1:
            for label, pick in (("median", statistics.median), ("max", max)):
                cells = "".join(
                    f"{pick(w[s]['total'] for w in real) / 1024:>9.1f} {'':>12}" for s in SCREENS
                )
                self.stdout.write(f"{label + ' of real':<22}{cells}")

    def measure(self, runs, words, citations):
        from blog.models import Post, PostReference
        from clinic.pages import checks
        from clinic.practice.models import Practitioner
        from clinic.references.models import Reference

        started = time.perf_counter()
        checks.analyse("Acupuncture uses fine needles. Most people feel little. " * 3)
        first_use = time.perf_counter() - started
        user = get_user_model().objects.create_superuser("bench-editor", "bench@example.org")
        author = Practitioner.objects.create(name="Bench Writer", slug="bench-writer-editor")
        references = []
        for n in range(citations):
            reference = Reference(
                key=f"benchcite{n}",
                authors=[{"family": "Smith", "given": "J"}, {"family": "Jones", "given": "K"}],
                title=f"A randomised trial of acupuncture for pain, number {n}",
                container_title_short="BMJ",
                year=2020,
                volume="370",
                pages=f"{n + 1}-{n + 9}",
                doi=f"10.5555/bench-editor.{n}",
            )
            reference.save()
            references.append(reference)
        text = article_text(words, citations)
        post = Post.objects.create(
            title="Bench article", slug="bench-editor", author=author, body=text
        )
        PostReference.objects.bulk_create(
            PostReference(post=post, reference=ref, order=n) for n, ref in enumerate(references)
        )
        client = Client()
        client.force_login(user)

        preview_url = reverse("editor_preview")
        response = client.post(preview_url, {"content": text})
        assert response.status_code == 200, response.content[:200]
        data = response.json()
        times = []
        for n in range(runs):
            # A different text each time, as while typing (no cache can answer).
            content = f"{text}\n\nOne more sentence, number {n}."
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(preview_url, {"content": content})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        preview = {**_summary(times), "queries": len(queries)}

        autosave_url = reverse("editor_autosave", args=["blog.post", post.pk])
        form = {
            "title": post.title,
            "slug": post.slug,
            "author": str(author.pk),
            "summary": "",
            "body": text,
            "hero_alt": "",
            "tags": [],
            "conditions": [],
            "reference_links-TOTAL_FORMS": str(citations),
            **{f"reference_links-{n}-reference": str(ref.pk) for n, ref in enumerate(references)},
        }
        stamp = post.updated_at.isoformat()
        client.post(autosave_url, {"data": json.dumps(form), "edit_stamp": stamp})  # warm
        times = []
        for n in range(runs):
            form["body"] = f"{text}\n\nTyped {n}."
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    autosave_url, {"data": json.dumps(form), "edit_stamp": stamp}
                )
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:200]
        autosave = {**_summary(times), "queries": len(queries)}
        report = checks.analyse(text)
        return {
            "words": report.words,
            "citations": len(references),
            "preview_bytes": len(data["html"]),
            "findings": len(report.findings),
            "checks_first_use_ms": _ms(first_use),
            "preview": preview,
            "autosave": autosave,
        }
