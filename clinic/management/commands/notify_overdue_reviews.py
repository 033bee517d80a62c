"""E-mail the owners of pages whose medical review is overdue (run it daily from cron)."""

from collections import defaultdict

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from clinic.pages import workflow
from clinic.pages.publishing import Status
from clinic.pages.review import publishable_models


class Command(BaseCommand):
    help = (
        "E-mail each owner (author, or whoever created the page; the editors when nobody can be "
        "reached) a list of their published pages whose medical review is overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be told; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        by_recipient = defaultdict(list)
        for model in publishable_models():
            overdue = model.objects.filter(
                status=Status.PUBLISHED, next_review_due__lt=today
            ).select_related("created_by")
            if hasattr(model, "author"):
                overdue = overdue.select_related("author__user")
            for page in overdue.order_by("next_review_due"):
                recipients = workflow.owner_emails(page) or workflow.editor_emails()
                for email in recipients:
                    by_recipient[email].append(page)
        messages = []
        for email, pages in sorted(by_recipient.items()):
            lines = [
                f"- {page} (due {page.next_review_due:%-d %B %Y}): "
                f"{settings.SITE_URL}{admin_change_url(page)}"
                for page in pages
            ]
            body = (
                "These pages are past their medical review date. Review each one, then use "
                "“Mark as reviewed, no changes needed” or submit your changes:\n\n"
                + "\n".join(lines)
            )
            subject = f"Medical review overdue: {len(pages)} page{'s' if len(pages) != 1 else ''}"
            messages.append(mail.EmailMessage(subject, body, None, [email]))
            self.stdout.write(f"{email}: {len(pages)} overdue")
        if not dry_run and messages:
            mail.mailers.default.send_messages(messages)
        total = sum(len(pages) for pages in by_recipient.values())
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{verb} {len(messages)} e-mail(s) about {total} overdue page(s).")


def admin_change_url(page):
    meta = page._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[page.pk])
