"""What an import leaves behind: the runs, what each old item became, images, and redirects."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One uploaded export: its preview, the choices made on it, and the import's progress."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        PREVIEWED = "previewed", "Previewed, waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    file_name = models.CharField(max_length=255)
    # Where the uploaded file is kept (outside the public media), relative to the import folder.
    stored_name = models.CharField(max_length=255, editable=False)
    format = models.CharField(max_length=20, editable=False)
    source = models.CharField(max_length=200, editable=False)
    state = models.CharField(max_length=20, choices=State, default=State.CHECKING)
    options = models.JSONField(default=dict, blank=True, editable=False)
    # The preview: counts and one row per item (clinic/migration/importer.py, Plan.as_dict()).
    preview = models.JSONField(default=dict, blank=True, editable=False)
    report = models.JSONField(default=dict, blank=True, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    done = models.PositiveIntegerField(default=0, editable=False)
    error = models.TextField(blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "blog import"
        permissions = [("import_blog", "Can import a Blogger or WordPress site")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display().lower()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class ImportedItem(models.Model):
    """An item of an old site and what it became here; what makes a second import safe."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"

    source = models.CharField(max_length=200)
    original_id = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind)
    title = models.CharField(max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    target = GenericForeignKey("content_type", "object_id")
    # A digest of the item as exported: unchanged means a re-import has nothing to do.
    source_digest = models.CharField(max_length=64)
    # A digest of the page as the import wrote it: different now means it was edited here.
    written_digest = models.CharField(max_length=64, blank=True)
    old_url = models.CharField(max_length=500, blank=True)
    check_citations = models.BooleanField(
        "check citations",
        default=False,
        help_text="References were attached but some numbered markers could not be placed with "
        "certainty: check the page's citations.",
    )
    notes = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="items")
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "original_id"], name="unique_imported_item")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="imported_target")]

    def __str__(self):
        return self.title or self.original_id


class ImportedImage(models.Model):
    """An image of the old site: fetched once through the image pipeline, or why it failed."""

    source_url = models.URLField(max_length=1000, unique=True)
    stored_url = models.CharField(max_length=500, blank=True)
    stored = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source_url"]

    def __str__(self):
        return self.source_url


class Redirect(models.Model):
    """A permanent redirect from an address of the old site to its page here."""

    old_path = models.CharField(
        max_length=500,
        unique=True,
        help_text="The old address without the domain, e.g. “/2022/09/slug.html” or "
        "“/?p=12”. Blogger's “?m=1” mobile addresses are covered by the plain path.",
    )
    new_path = models.CharField(max_length=500, help_text="Where it goes now, e.g. “/blog/slug/”.")
    source = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"
