"""The reference library follows the pages' rules: nothing changes a live page behind the editors'
back.

- Anyone who may add references adds them; a practitioner may delete the ones they added, while
  nothing cites them (a cited reference is protected for everyone: its pages would lose it).
- A change to a reference that a published (or scheduled) page cites needs an editor: a
  practitioner's save is kept aside in ``Reference.pending`` and waits, like a pending revision
  of a page (``clinic.pages.workflow``); an editor approves it (applied, pages re-rendered) or
  refuses it with a note. Each step is a ``Transition`` and sends the e-mail, as for pages.
- The key of a cited reference cannot change ([@key] in the text would stop resolving).
- Every save and every approval keeps a django-reversion version.
- The "cited by" list and the retracted-references page show a practitioner only the pages they
  may see: published ones and their own.
"""

import datetime
import json

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from clinic.pages import workflow
from clinic.pages.models import Transition
from clinic.pages.publishing import Status
from clinic.references import numbering
from clinic.references.models import Reference

APPROVE_PERMISSION = "clinic.approve_reference_change"


class ChangeRefused(Exception):
    """The step cannot be taken; the message is shown as it is."""


def can_approve(user) -> bool:
    return bool(user.is_active and user.has_perm(APPROVE_PERMISSION))


def citing_pages(reference: Reference) -> list:
    """Every page (article, condition page) that has this reference attached, draft or live."""
    if reference.pk is None:
        return []
    return [
        page
        for rel in numbering.citing_relations()
        for page in getattr(reference, rel.get_accessor_name()).all()
    ]


def live_pages(reference: Reference) -> list:
    """The published (or scheduled) pages citing it: a change would reach patients."""
    return [page for page in citing_pages(reference) if page.status == Status.PUBLISHED]


def may_see(user, page) -> bool:
    """A page this person may see listed: editors all; others public pages and their own."""
    return workflow.can_publish(user, page) or page.is_public or workflow.is_owner(user, page)


def visible(user, pages) -> list:
    return [page for page in pages if may_see(user, page)]


def can_delete(user, reference: Reference) -> bool:
    if citing_pages(reference):
        return False
    return can_approve(user) or (
        reference.created_by_id is not None and reference.created_by_id == user.pk
    )


def needs_editor(user, reference: Reference) -> bool:
    """True when this person's save of ``reference`` must wait for an editor."""
    return reference.pk is not None and not can_approve(user) and bool(live_pages(reference))


def key_locked(reference: Reference) -> bool:
    return bool(citing_pages(reference))


def stage(reference: Reference, *, by, changed: list[str]) -> Transition:
    """Keep the changed fields aside; the live reference (and every page citing it) stays."""
    with transaction.atomic():
        live = Reference.objects.select_for_update().get(pk=reference.pk)
        if live.pending:
            raise ChangeRefused(
                "A change to this reference already waits for an editor; ask them to approve "
                "or refuse it first."
            )
        values = {name: _json_value(getattr(reference, name)) for name in changed if name != "key"}
        live.pending = {
            "fields": values,
            "by": by.pk,
            "saved_at": timezone.now().isoformat(),
        }
        Reference.objects.filter(pk=live.pk).update(pending=live.pending)
        transition = _record(live, by, Transition.Action.SUBMIT_CHANGES)
    pages = ", ".join(f"“{page}”" for page in live_pages(live))
    workflow._mail(
        workflow.editor_emails(),
        f"Reference change for review: {live.key}",
        f"{workflow._name(by)} changed the reference {live.key}, cited by the live page(s) "
        f"{pages}. The pages are unchanged until you approve it.\n\n"
        f"Review it: {_admin_url(live)}",
    )
    return transition


def approve(reference: Reference, *, by, note: str = "") -> Transition:
    if not can_approve(by):
        raise ChangeRefused("Only an editor can approve changes to a cited reference.")
    with transaction.atomic():
        live = Reference.objects.select_for_update().get(pk=reference.pk)
        if not live.pending:
            raise ChangeRefused("No change to this reference is waiting.")
        author_id = live.pending.get("by")
        for name, value in live.pending.get("fields", {}).items():
            setattr(live, name, _python_value(name, value))
        live.pending = {}
        with reversion.create_revision():
            reversion.set_user(by)
            reversion.set_comment("Approved a change waiting for review.")
            live.save()
        transition = _record(live, by, Transition.Action.APPROVE_CHANGES, note)
        rerender(live)
    _mail_author(author_id, f"Approved: your change to {live.key}", "was approved and is live")
    return transition


def refuse(reference: Reference, *, by, note: str) -> Transition:
    note = (note or "").strip()
    if not note:
        raise ChangeRefused("Say why the change is refused: the note is required.")
    if not can_approve(by):
        raise ChangeRefused("Only an editor can refuse changes to a cited reference.")
    with transaction.atomic():
        live = Reference.objects.select_for_update().get(pk=reference.pk)
        if not live.pending:
            raise ChangeRefused("No change to this reference is waiting.")
        author_id = live.pending.get("by")
        Reference.objects.filter(pk=live.pk).update(pending={})
        live.pending = {}
        transition = _record(live, by, Transition.Action.REQUEST_CHANGES, note)
    _mail_author(author_id, f"Refused: your change to {live.key}", f"was refused:\n\n{note}")
    return transition


def rerender(reference: Reference) -> None:
    """The reference changed (text, retraction): every page citing it shows the change."""
    for page in citing_pages(reference):
        page.save()


def history(reference: Reference):
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(Reference), object_id=reference.pk
    ).select_related("by")


def pending_rows(reference: Reference) -> list[dict]:
    """The waiting change, field by field: label, now, proposed."""
    rows = []
    for name, value in (reference.pending or {}).get("fields", {}).items():
        field = Reference._meta.get_field(name)
        now = getattr(reference, name)
        rows.append(
            {
                "label": field.verbose_name,
                "now": _display(now),
                "proposed": _display(_python_value(name, value)),
            }
        )
    return rows


def _record(reference, by, action, note="") -> Transition:
    # The pages' own record of a step; a reference has no status, so from/to stay empty.
    return workflow._record(reference, by, action, "", "", note)


def _mail_author(user_id, subject, what):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None and user.email:
        workflow._mail([user.email], subject, f"Your change to the reference {what}.")


def _admin_url(reference):
    from django.conf import settings

    return settings.SITE_URL + reference.get_admin_url()


def _json_value(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _python_value(name, value):
    field = Reference._meta.get_field(name)
    if value is not None and field.get_internal_type() == "DateField":
        return datetime.date.fromisoformat(value)
    return value


def _display(value) -> str:
    if isinstance(value, list):
        return "; ".join(
            a.get("literal") or " ".join(p for p in (a.get("family"), a.get("given")) if p)
            for a in value
            if isinstance(a, dict)
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)
