"""Score the reference parser: per-field precision / recall / F1 and exact matches, per style.

python manage.py score_parser              # the project's labelled set (training data)
python manage.py score_parser --unseen     # the first held-out set (training data since 6 Dec.)
python manage.py score_parser --cv 5       # 5-fold cross-validation (trains 5 models: slow)
python manage.py score_parser --cv-real 3 --anystyle-limit 3000 --models-dir /tmp/cv
                                           # the real rows, out of fold, folded by paper
python manage.py score_parser --cv-real 3 --real-train labelled   # as trained before 6 Dec.
python manage.py score_parser --file other.jsonl --errors
python manage.py score_parser --unseen --json
python manage.py score_parser --dev                # the hand-written development set (tuning)
python manage.py score_parser --dev --doubt        # how well low confidence finds mistakes
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.citations import crf, evaluation, training
from clinic.citations.scoring import (
    DEV_REFERENCES,
    FIELDS,
    LABELLED_REFERENCES,
    UNSEEN_REFERENCES,
    load_labelled,
)


class Command(BaseCommand):
    help = "Score the reference parser per field and per style group (labelled, unseen or k-fold)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="JSON-lines file of labelled references to score.")
        parser.add_argument(
            "--unseen",
            action="store_true",
            help="Score the first held-out set (retired into training on 6 December).",
        )
        parser.add_argument(
            "--dev", action="store_true", help="Score the development set (rules are tuned on it)."
        )
        parser.add_argument(
            "--doubt",
            action="store_true",
            help="Show how many wrong fields and right rows each confidence threshold flags.",
        )
        parser.add_argument(
            "--model", help="Parse with this model file instead of the shipped one."
        )
        parser.add_argument("--cv", type=int, metavar="K", help="K-fold cross-validation.")
        parser.add_argument(
            "--cv-real",
            type=int,
            metavar="K",
            help="K-fold cross-validation on the real rows (labelled and retired sets), by paper.",
        )
        parser.add_argument(
            "--anystyle-limit",
            type=int,
            default=0,
            help="--cv-real: train each fold on this many AnyStyle references (0: all 11,500).",
        )
        parser.add_argument(
            "--real-train",
            choices=("all", "labelled"),
            default="all",
            help="--cv-real: train on the other folds' rows of every real file, or of the "
            "labelled set only (the training data before the held-out sets were retired).",
        )
        parser.add_argument("--iterations", type=int, default=training.ITERATIONS)
        parser.add_argument("--limit", type=int, help="Cross-validate on this many references.")
        parser.add_argument(
            "--folds", help="Only these folds, in this order (for example 5,4): split the work."
        )
        parser.add_argument(
            "--models-dir", help="Keep the folds' models here and reuse them (re-score quickly)."
        )
        parser.add_argument(
            "--anystyle",
            default=",".join(training.ANYSTYLE_FILES),
            help="AnyStyle files for cross-validation.",
        )
        parser.add_argument("--set", dest="subset", help="Score only rows of this set.")
        parser.add_argument("--json", action="store_true", help="Print the reports as JSON.")
        parser.add_argument(
            "--errors", action="store_true", help="List every field the parser got wrong."
        )

    def handle(self, *args, **options):
        if options["model"]:
            if not Path(options["model"]).is_file():
                raise CommandError(f"No model file at {options['model']}")
            crf.use_model(options["model"])
        if options["cv_real"]:
            self._rows = self.cross_validate_real(options)
            return
        if options["cv"]:
            if options["cv"] < 2:
                raise CommandError("--cv needs at least 2 folds.")
            reports = evaluation.cross_validate(
                options["cv"],
                anystyle_files=[n for n in options["anystyle"].split(",") if n],
                iterations=options["iterations"],
                limit=options["limit"],
                progress=lambda message: self.stderr.write(message),
                models_dir=options["models_dir"],
                folds=[int(f) for f in options["folds"].split(",")] if options["folds"] else None,
            )
            title = f"{options['cv']}-fold cross-validation on the training data"
        else:
            path = options["file"] or (
                UNSEEN_REFERENCES
                if options["unseen"]
                else DEV_REFERENCES
                if options["dev"]
                else LABELLED_REFERENCES
            )
            try:
                rows = load_labelled(path)
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
            if options["subset"]:
                rows = [row for row in rows if row.get("set") == options["subset"]]
            if not rows:
                raise CommandError("No labelled references to score.")
            if options["doubt"]:
                self.write_doubt(evaluation.doubt_table(rows))
                return
            reports = evaluation.score_by_group(
                [
                    (row.get("style", "other"), row["expected"], evaluation.first_item(row["text"]))
                    for row in rows
                ]
            )
            title = f"{path}"
            self._rows = rows
        if options["json"]:
            payload = {name: report.as_dict() for name, report in reports.items()}
            self.stdout.write(json.dumps({"title": title, "groups": payload}, indent=2))
            return
        self.write_tables(title, reports)
        if options["errors"] and not options["cv"]:
            for index, name, want, got in reports["all"].mismatches:
                text = self._rows[index]["text"][:100]
                self.stdout.write(
                    f"  #{index + 1} {name}: expected {want!r}, got {got!r}  [{text}]"
                )

    def cross_validate_real(self, options):
        k = options["cv_real"]
        if k < 2:
            raise CommandError("--cv-real needs at least 2 folds.")
        trained = (
            training.REAL_PATHS if options["real_train"] == "all" else (training.LABELLED_PATH,)
        )
        reports, rows = evaluation.cross_validate_real(
            k,
            anystyle_limit=options["anystyle_limit"],
            trained_paths=trained,
            iterations=options["iterations"],
            progress=lambda message: self.stderr.write(message),
            models_dir=options["models_dir"],
            folds=[int(f) for f in options["folds"].split(",")] if options["folds"] else None,
        )
        anystyle = (
            f"{options['anystyle_limit']} AnyStyle references drawn at random"
            if options["anystyle_limit"]
            else "all of AnyStyle"
        )
        title = (
            f"{k}-fold cross-validation on the real rows, by paper, out of fold; each fold "
            f"trained on the other folds' {options['real_train']} real rows, {anystyle}, the "
            f"clinic forms and the made-up strings"
        )
        if options["json"]:
            payload = {name: report.as_dict() for name, report in reports.items()}
            self.stdout.write(json.dumps({"title": title, "groups": payload}, indent=2))
            return rows
        self.write_tables(title, reports)
        if options["errors"]:
            for index, name, want, got in reports["all"].mismatches:
                row = rows[index]
                self.stdout.write(
                    f"  {row['file']} {row.get('style')}: {name}: expected {want!r}, got "
                    f"{got!r}  [{row['text'][:140]}]"
                )
        return rows

    def write_doubt(self, table):
        self.stdout.write(
            f"{'threshold':>9} {'wrong fields flagged':>21} {'right fields flagged':>21} "
            f"{'wrong rows unticked':>20} {'right rows unticked':>20}"
        )
        for row in table:
            self.stdout.write(
                f"{row['threshold']:>9} {row['wrong_fields_flagged']:>21.1%} "
                f"{row['right_fields_flagged']:>21.1%} {row['wrong_rows_unticked']:>20.1%} "
                f"{row['right_rows_unticked']:>20.1%}"
            )
        if table:
            self.stdout.write(f"{table[0]['wrong_fields']} wrong fields in {table[0]['rows']} rows")

    def write_tables(self, title, reports):
        self.stdout.write(title)
        short = [f for f in FIELDS if f not in ("PMID", "PMCID")]
        head = f"{'group':<22} {'refs':>5} {'exact':>7} {'P':>6} {'R':>6} {'F1':>6} | "
        self.stdout.write(head + " ".join(f"{f[:6]:>6}" for f in short))
        for name, report in reports.items():
            t = report.total
            cells = []
            for f in short:
                s = report.fields[f]
                cells.append(f"{s.f1:6.3f}" if s.tp + s.fp + s.fn else f"{'-':>6}")
            self.stdout.write(
                f"{name:<22} {report.items:>5} {report.exact_share:7.1%} {t.precision:6.3f} "
                f"{t.recall:6.3f} {t.f1:6.3f} | " + " ".join(cells)
            )
        overall = reports["all"]
        self.stdout.write("")
        self.stdout.write(f"{'field (all groups)':<18} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn")
        for name in FIELDS:
            s = overall.fields[name]
            self.stdout.write(
                f"{name:<18} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp}/{s.fp}/{s.fn}"
            )
        t = overall.total
        self.stdout.write(
            f"{'overall':<18} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f}  {t.tp}/{t.fp}/{t.fn}"
        )
        self.stdout.write(
            f"exact: {overall.exact}/{overall.items} references ({overall.exact_share:.1%})"
        )
