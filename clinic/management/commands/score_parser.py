"""Score the free-text reference parser against the hand-labelled references.

python manage.py score_parser            # table of per-field precision / recall / F1
python manage.py score_parser --json     # the same as JSON
python manage.py score_parser --file other.jsonl --errors
"""

import json

from django.core.management.base import BaseCommand, CommandError

from clinic.citations.scoring import FIELDS, LABELLED_REFERENCES, load_labelled, score_rows


class Command(BaseCommand):
    help = "Score the reference parser: per-field precision/recall/F1 and the share parsed exactly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(LABELLED_REFERENCES),
            help="JSON-lines file of labelled references.",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--set", dest="subset", help="Score only rows of this set (for example dev or holdout)."
        )
        parser.add_argument(
            "--errors", action="store_true", help="List every field the parser got wrong."
        )

    def handle(self, *args, **options):
        try:
            rows = load_labelled(options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        if options["subset"]:
            rows = [row for row in rows if row.get("set") == options["subset"]]
        if not rows:
            raise CommandError("No labelled references to score.")
        report = score_rows(rows)

        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        self.stdout.write(f"{'field':<16} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn")
        for name in FIELDS:
            s = report.fields[name]
            self.stdout.write(
                f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp}/{s.fp}/{s.fn}"
            )
        total = report.total
        self.stdout.write(
            f"{'overall':<16} {total.precision:6.3f} {total.recall:6.3f} {total.f1:6.3f}  "
            f"{total.tp}/{total.fp}/{total.fn}"
        )
        self.stdout.write(
            f"exact: {report.exact}/{report.items} references ({report.exact_share:.1%})"
        )
        if options["errors"]:
            for index, name, want, got in report.mismatches:
                self.stdout.write(f"  #{index + 1} {name}: expected {want!r}, got {got!r}")
