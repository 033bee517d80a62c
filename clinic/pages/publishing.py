"""
What "published" means, in one place.

Every public surface (views, feeds, sitemaps, search, related lists) reaches posts and condition
pages through `published()`. Scheduling needs no worker: a page whose status is published
becomes visible when its `published_at` time comes.
"""

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class PublishableQuerySet(models.QuerySet):
    def published(self, at=None):
        """Visible now (or at the moment `at`)."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=at or timezone.now())

    def scheduled(self):
        """Published, but not visible before its time comes (soonest first)."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now()).order_by(
            "published_at"
        )
