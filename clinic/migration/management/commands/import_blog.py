"""manage.py import_blog FILE: bring a Blogger or WordPress export in (see docs/migration.md)."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clinic.migration import importer, readers


class Command(BaseCommand):
    help = (
        "Import a Blogger export (Google Takeout feed.atom, or the older “Back up content” "
        ".xml) or a WordPress export (WXR .xml): posts become articles, pages condition pages "
        "(or the About page), labels tags, comments approved patient comments, reference lists "
        "references, and every old address a permanent redirect. The whole file is checked "
        "before anything is written; each item is then written in its own transaction. "
        "Importing the same file again changes nothing; a newer export updates what changed, "
        "except pages edited here since, which are left alone. "
        "Never asks questions. Defaults: live posts are published with their original date "
        "(drafts stay drafts; deleted ones are skipped); authors are matched to practitioner "
        "profiles by name, or a minimal profile is created; a page named like a condition "
        "becomes a condition page, an “About” page goes to the About page, contact and "
        "legal pages are skipped; a page that matches an existing page is MERGED into it, "
        "which never loses either text: both texts are kept, and if the existing page is live "
        "the merged text waits as a pending revision for an editor's review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (feed.atom, blog-*.xml, or WXR .xml).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print the preview; write nothing.",
        )
        parser.add_argument(
            "--as-drafts",
            action="store_true",
            help="Import live posts and pages as drafts for review (default: published).",
        )
        parser.add_argument(
            "--author",
            metavar="NAME",
            default="",
            help="Credit every post to this practitioner (matched by name; created if none). "
            "Default: each post's own author, matched by name or created.",
        )
        parser.add_argument(
            "--existing",
            choices=[importer.MERGE, importer.NEW],
            default=importer.MERGE,
            help="A page that matches an existing page: merge into it (default; both texts "
            "kept) or create a new page beside it.",
        )
        parser.add_argument(
            "--skip-images",
            action="store_true",
            help="Do not download the old site's images (default: download them through the "
            "image pipeline and replace their addresses).",
        )

    def handle(self, *args, file, dry_run, as_drafts, author, existing, skip_images, **options):
        opts = importer.Options(as_drafts=as_drafts, author=author, fetch_images=not skip_images)
        started = time.monotonic()
        try:
            plan = importer.plan(file, opts)
        except readers.ExportError as error:
            raise CommandError(f"{file}: {error}") from None
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        if existing == importer.NEW:
            opts.existing = {row.original_id: importer.NEW for row in plan.rows if row.match}
        self.print_plan(plan, verbose=dry_run or int(options["verbosity"]) > 1)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        bar = tqdm(total=plan.total, unit="item", file=self.stderr._out, disable=None)

        def progress(done, total):
            bar.update(done - bar.n)

        try:
            report = importer.run(file, opts, progress=progress, total=plan.total)
        except readers.ExportError as error:  # the file changed since it was checked
            raise CommandError(f"{file}: {error}") from None
        finally:
            bar.close()
        for name, count in sorted(report["counts"].items()):
            self.stdout.write(f"  {name}: {count}")
        for image in report["images_failed"]:
            self.stdout.write(f"  image not fetched: {image['url']} ({image['error']})")
        for page in report["check_citations"]:
            self.stdout.write(f"  check citations: {page['title']} {page['url']}")
        self.stdout.write(self.style.SUCCESS(f"Imported in {time.monotonic() - started:.1f} s."))

    def print_plan(self, plan, verbose):
        self.stdout.write(f"{plan.format_name}: {plan.title or plan.source}")
        for name, count in sorted(plan.counts.items()):
            self.stdout.write(f"  {name}: {count}")
        if not verbose:
            return
        for row in plan.rows:
            line = f"- [{row.kind}, {row.status}] {row.title} → {row.action}"
            if row.new_url:
                line += f" at {row.new_url}"
            self.stdout.write(line)
            details = []
            if row.destination:
                details.append(f"goes to: {importer.PAGE_DESTINATIONS[row.destination]}")
            if row.match:
                details.append(f"matches the existing page “{row.match}”")
            if row.author:
                details.append(f"author: {row.author}")
            if row.tags:
                details.append("tags: " + ", ".join(row.tags))
            if row.references:
                details.append(f"references: {row.references} ({row.matched} in the library)")
            if row.images:
                details.append(f"images to fetch: {len(row.images)}")
            if row.comments:
                details.append(f"comments: {row.comments}")
            if details:
                self.stdout.write("    " + "; ".join(details))
            for problem in row.problems:
                self.stdout.write(f"    problem: {problem}")
