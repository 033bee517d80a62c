"""Rebuild the reference parser's model from the labelled data in clinic/citations/data/.

python manage.py train_parser                       # the shipped model (a few minutes)
python manage.py train_parser --output /tmp/m.crfsuite --limit 200 --iterations 10
"""

import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.citations import crf, training


class Command(BaseCommand):
    help = "Train the CRF reference labeller from the data in the repository and save the model."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(crf.MODEL_PATH), help="Model file to write.")
        parser.add_argument(
            "--anystyle",
            default=",".join(training.ANYSTYLE_FILES),
            help="AnyStyle files to train on (comma-separated: core,gold,good,bad,ugly).",
        )
        parser.add_argument("--iterations", type=int, default=training.ITERATIONS)
        parser.add_argument(
            "--limit", type=int, help="Train on this many sequences only (a quick check)."
        )

    def handle(self, *args, **options):
        names = [name for name in options["anystyle"].split(",") if name]
        unknown = set(names) - set(training.ANYSTYLE_FILES)
        if unknown:
            raise CommandError(f"Unknown AnyStyle files: {', '.join(sorted(unknown))}")
        started = time.perf_counter()
        sequences = training.all_sequences(names)
        if options["limit"]:
            sequences = random.Random(14).sample(sequences, min(options["limit"], len(sequences)))
        self.stdout.write(f"{len(sequences)} labelled references; training...")
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_suffix(".tmp")
        crf.train(
            [(text, labels) for text, labels, _ in sequences],
            temporary,
            max_iterations=options["iterations"],
        )
        temporary.replace(output)
        if output.resolve() == Path(crf.MODEL_PATH).resolve():
            crf.reload_model()
        self.stdout.write(
            f"Wrote {output} ({output.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.0f} s."
        )
