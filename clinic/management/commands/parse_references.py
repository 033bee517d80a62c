"""Parse free-text references from standard input into CSL-JSON, one object per line.

    echo "Cherkin DC, Sherman KJ. Title. Arch Intern Med. 2009;169(9):858-66." \\
        | python manage.py parse_references
"""

import json
import sys

from django.core.management.base import BaseCommand

from clinic.citations.parse import parse_reference, split_reference_list


class Command(BaseCommand):
    help = "Read references from stdin (one per line) and print one CSL-JSON object per line."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list",
            action="store_true",
            help="Treat the input as a pasted reference list (numbered, wrapped lines joined).",
        )

    def handle(self, *args, **options):
        text = sys.stdin.read()
        references = (
            split_reference_list(text)
            if options["list"]
            else [line.strip() for line in text.splitlines()]
        )
        for reference in references:
            if reference:
                self.stdout.write(json.dumps(parse_reference(reference), ensure_ascii=False))
