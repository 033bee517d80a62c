import reversion
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from clinic.lib.markdown import markdown_length
from clinic.pages.models import Publishable
from clinic.practice.models import Practitioner
from clinic.references.models import Reference


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])


class Post(Publishable):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="posts", help_text="Who wrote it."
    )
    body = MarkdownxField(
        validators=[markdown_length],
        help_text="Write in Markdown. Cite a reference attached below with [@key]; "
        "drag an image into the box to upload it.",
    )
    hero_image = models.ImageField(upload_to="posts/", blank=True)
    # Resized copies made on upload (clinic.lib.images.StoredImage.as_dict()).
    hero_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image description",
        max_length=200,
        blank=True,
        help_text="Describe the image for people who cannot see it. Required with an image.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    conditions = models.ManyToManyField(
        "conditions.Condition",
        blank=True,
        related_name="posts",
        help_text="Condition pages this article is about; it is listed on them.",
    )
    references = models.ManyToManyField(
        Reference, through="PostReference", blank=True, related_name="posts"
    )
    # Ids of the articles most related to this one, best first, kept by blog/related.py on save.
    related_ids = models.JSONField(default=list, blank=True, editable=False)
    # The article page's parts that depend only on the article and what it shows (its author,
    # reviewer, tags, public condition pages, approved questions, the clinic's settings), as
    # HTML: rendered on save and again whenever one of those changes (blog/page_html.py), so
    # that a page view prints them. Keys: "social", "json_ld", "article", "questions".
    page_parts = models.JSONField(default=dict, blank=True, editable=False)
    # Its teaser in other pages' lists (includes/post_teaser.html), kept the same way.
    teaser_html = models.TextField(blank=True, editable=False)
    # When the parts must be rendered again although nothing was saved: a linked condition
    # page scheduled to go live (until then it is neither linked nor named).
    page_parts_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Among the articles search looks in for words in the body (blog/search_window.py).
    in_search_window = models.BooleanField(default=False, editable=False)

    pending_fields = ("title", "slug", "summary", "body", "hero_alt")
    pending_m2m = ("tags", "conditions")
    publish_permission = "blog.publish_post"
    detail_view = "blog.views.PostDetailView"
    references_url_name = "blog:references"

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_listing"),
            # Lists of live articles, newest first, and their paginator's count (an index-only
            # scan): with 10,000 articles the count drops from a 17 ms table scan to 6 ms on
            # PostgreSQL (docs/performance.md).
            models.Index(
                fields=["-published_at", "-created_at"],
                condition=models.Q(status="published"),
                name="post_published",
            ),
            # Search's window, newest first (blog/search_window.py; on PostgreSQL also a
            # partial GIN index over these rows' text, migration 0014).
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(in_search_window=True),
                name="post_search_window",
            ),
        ]
        permissions = [("publish_post", "Can review, publish, schedule and unpublish articles")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post", args=[self.slug])

    def markdown_source(self):
        return self.body

    def questions_changed(self):
        """Its approved questions were written without signals (an import): render its stored
        HTML again (blog/page_html.py)."""
        from blog import page_html

        page_html.changed([self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError(
                {"hero_alt": "Describe the image for patients who cannot see it."}
            )


class ArchiveMonthManager(models.Manager):
    def get_by_natural_key(self, tag_id, month):
        return self.get(tag_id=tag_id, month=month)


class ArchiveMonth(models.Model):
    """How many articles with status "published" fall in a month: the blog's (no tag) and each
    tag's. Kept by blog/archive.py in the transaction that changes an article's status, date or
    tags, so that lists count, page and name their years without reading every article."""

    tag = models.ForeignKey(Tag, null=True, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The month's first day, in the site's time zone.")
    count = models.PositiveIntegerField(default=0)

    # A backup restores these rows onto the ones its articles' tags recounted (natural key).
    objects = ArchiveMonthManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "month"], name="archive_month_tag"),
            models.UniqueConstraint(
                fields=["month"], condition=models.Q(tag=None), name="archive_month_blog"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.tag_id or 'all'}: {self.count}"

    def natural_key(self):
        return (self.tag_id, self.month.isoformat())


class ArchiveYearManager(models.Manager):
    def get_by_natural_key(self, tag_id, year):
        return self.get(tag_id=tag_id, year=year)


class ArchiveYear(models.Model):
    """A year's ArchiveMonth counts in one row (the blog's or a tag's): its twelve months and
    their total, rolled up by blog/archive.py in the transaction that recounts the months. The
    lists read a row per year, not per month: an 80-year blog is 80 rows, not 960."""

    tag = models.ForeignKey(Tag, null=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="In the site's time zone.")
    months = models.JSONField(default=list, help_text="Articles per month, January first.")
    count = models.PositiveIntegerField(default=0)

    objects = ArchiveYearManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "year"], name="archive_year_tag"),
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(tag=None), name="archive_year_blog"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.tag_id or 'all'}: {self.count}"

    def natural_key(self):
        return (self.tag_id, self.year)


class PostReference(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reference_links")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="post_links")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reference"], name="unique_post_reference")
        ]
        verbose_name = "reference"

    def __str__(self):
        return self.reference.key


# History (django-reversion): every save keeps a version, with the attached references.
reversion.register(PostReference)
reversion.register(Post, follow=["reference_links"], ignore_duplicates=True)
