"""Time Markdown rendering on pathological input: what a hostile or careless author could type.

    DEBUG=true .venv/bin/python manage.py bench_markdown [--repeat 3]

Each case is as large as the limits allow (clinic.lib.markdown.check_length). It prints the time
of each (best of --repeat) or the message it is refused with, and the worst time.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from clinic.lib import markdown


def cases(n: int) -> dict[str, str]:
    brackets = markdown.MAX_BRACKETS
    marks = markdown.MAX_EMPHASIS_MARKS
    return {
        "run of '[' (over the limit)": "[" * n,
        "run of '![' (over the limit)": "![" * (n // 2),
        "'[' at the limit, rest text": "[" * brackets + "a" * (n - brackets),
        "'![' at the limit + '*a' at the limit": "![" * brackets + "*a" * (marks // 2),
        "'[^' footnote openers at the limit": ("[^" * brackets + "x " * n)[:n],
        "'[@' citations at the limit": ("[@a" * brackets + "b" * n)[:n],
        "'*a' emphasis at the limit": "*a" * (marks // 2) + "b" * (n - marks),
        "'_a' emphasis at the limit": "_a" * (marks // 2) + "b" * (n - marks),
        "run of '<a '": "<a " * (n // 3),
        "run of '<!--'": "<!--" * (n // 4),
        "run of '`a'": "`a" * (n // 2),
        "run of '&#x41;'": "&#x41;" * (n // 6),
        "autolinks '<http://a'": "<http://a" * (n // 9),
        "lists nested 400 deep": "".join("  " * i + "- x\n" for i in range(400))[:n],
        "'- ' on one line": "- " * (n // 2),
        "quotes nested '>' x n": ">" * n,
        "quotes '> ' x n": "> " * (n // 2),
        "callouts '::: note' x n": "::: note\n" * (n // 9),
        "table 200 x 100 (over the limit)": (
            "|a" * 200 + "\n" + "|-" * 200 + "\n" + ("|x" * 200 + "\n") * 100
        )[:n],
        "table 50 x 98, '|' at the limit": (
            "|a" * 50 + "\n" + "|-" * 50 + "\n" + ("|x" * 50 + "\n") * 98
        ),
        "link reference definitions": "[a]: b\n" * (n // 7),
        "ordinary article": (
            "## Heading\n\nSome *text* with a [link](https://example.org) "
            "and a citation [@smith2020].\n\n- a list\n- of items\n\n"
        )
        * (n // 120),
        "megabytes (over the length limit)": "a" * 5_000_000,
    }


class Command(BaseCommand):
    help = "Time Markdown rendering on pathological input, at the size limits."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *, repeat, **options):
        from django.conf import settings

        n = settings.MARKDOWN_MAX_LENGTH
        worst_name, worst = "", 0.0
        for name, text in cases(n).items():
            best = None
            for _ in range(repeat):
                start = time.perf_counter()
                try:
                    markdown.render(text)
                except ValidationError as error:
                    refused = error.messages[0]
                else:
                    refused = None
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
            if refused:
                self.stdout.write(f"{name:45} refused in {best * 1000:6.1f} ms: {refused[:60]}…")
            else:
                self.stdout.write(f"{name:45} rendered in {best * 1000:6.1f} ms")
            if best > worst:
                worst_name, worst = name, best
        self.stdout.write(f"Worst: {worst_name} at {worst * 1000:.1f} ms (limit 1000 ms).")
