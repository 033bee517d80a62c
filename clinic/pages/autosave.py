"""
Autosave: the editor's form, kept per person on the server while they type.

It is never the page: the page changes only through the admin's save and the workflow's steps.
An autosave remembers the page's ``updated_at`` as it was when the form was opened (the form's
edit stamp); if the page was saved since, the autosave is stale, and the editor shows it for
copying but never restores it over the newer page. A successful save of the page removes the
person's autosave; autosaves older than ``KEEP_DAYS`` are removed whenever anyone autosaves.
"""

import datetime
import difflib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

KEEP_DAYS = 30
NEW_PAGE = 0  # object_id of the autosave of a page not saved yet (the "add" form)


class Autosave(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(default=NEW_PAGE)
    # The form's fields as the browser had them: {name: value or [values]}.
    data = models.JSONField(default=dict)
    # The page's updated_at when the form was opened (its edit stamp); empty for a new page.
    based_on = models.CharField(max_length=40, blank=True)
    saved_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = "clinic"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_autosave_per_form"
            )
        ]

    def __str__(self):
        return f"Autosave of {self.content_type} {self.object_id} by {self.user_id}"


def save(*, user, model, object_id: int, data: dict, based_on: str) -> Autosave:
    """Keep the form (one row per person and page, replaced each time)."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    autosave, _ = Autosave.objects.update_or_create(
        user=user,
        content_type=content_type,
        object_id=object_id,
        defaults={"data": data, "based_on": based_on[:40], "saved_at": now},
    )
    Autosave.objects.filter(saved_at__lt=now - datetime.timedelta(days=KEEP_DAYS)).delete()
    return autosave


def find(*, user, model, object_id: int) -> Autosave | None:
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_DAYS)
    return Autosave.objects.filter(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        saved_at__gte=cutoff,
    ).first()


def discard(*, user, model, object_id: int) -> None:
    Autosave.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(model), object_id=object_id
    ).delete()


def is_stale(autosave: Autosave, page) -> bool:
    """True when the page was saved after the form this autosave came from was opened."""
    if page is None or not autosave.based_on:
        return False
    return autosave.based_on != page.updated_at.isoformat()


def diff(autosave: Autosave, model, page) -> list[tuple[str, str]]:
    """What the autosave changes in the page's text fields: (css class, line) pairs."""
    lines = []
    for name in model.pending_fields:
        if name not in autosave.data:
            continue
        label = str(model._meta.get_field(name).verbose_name).capitalize()
        current = str(getattr(page, name, "") or "") if page is not None else ""
        mine = autosave.data[name]
        mine = mine[0] if isinstance(mine, list) else str(mine or "")
        if current.replace("\r\n", "\n") == mine.replace("\r\n", "\n"):
            continue
        for line in difflib.unified_diff(
            current.splitlines(), mine.splitlines(), label, label, lineterm="", n=1
        ):
            if line.startswith(("---", "+++")):
                if line.startswith("---"):
                    lines.append(("hunk", label))
                continue
            kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
            lines.append((kind, line))
    return lines
