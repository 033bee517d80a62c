"""The audit trail: log-ins, failed log-ins, lock-outs and changes to who may do what.

Django's auth and m2m signals are the only place these events can be seen, whichever screen or
command caused them, so this is one of the few uses of signals here. Each receiver writes one
AuditEvent row and does nothing else. The acting user and address of the current request are
kept in a context variable by AuditMiddleware.
"""

import contextvars
from contextlib import contextmanager

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, pre_save

from clinic.accounts.models import AuditEvent
from clinic.accounts.security import client_ip

_request = contextvars.ContextVar("audit_request", default=None)
_paused = contextvars.ContextVar("audit_paused", default=False)


class AuditMiddleware:
    """Remembers the current request so that m2m and save signals know who acted, and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def paused():
    """Record nothing inside: restoring a backup replays group memberships, not new changes."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def record(kind, *, subject="", detail="", request=None, actor=None):
    if _paused.get():
        return
    request = request if request is not None else _request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        subject=str(subject)[:150],
        ip_address=(client_ip(request) or None) if request is not None else None,
        detail=detail,
    )


def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, subject=user.get_username(), request=request, actor=user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, subject=user.get_username(), request=request, actor=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with asterisks in `credentials`.
    username = credentials.get("username", "")
    record(AuditEvent.Kind.LOGIN_FAILED, subject=username, request=request, actor=None)


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(AuditEvent.Kind.LOCKED_OUT, subject=username or "", request=request, actor=None)


def _names(model, pk_set):
    if not pk_set:
        return "all"
    return ", ".join(sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set)))


def _user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    verb = {"post_add": "added to", "post_remove": "removed from", "pre_clear": "removed from"}
    if reverse:  # group.user_set changed: instance is the group, pk_set the users
        if action == "pre_clear":
            pk_set = set(instance.user_set.values_list("pk", flat=True))
        for user in get_user_model().objects.filter(pk__in=pk_set or ()):
            record(AuditEvent.Kind.GROUPS, subject=user, detail=f"{verb[action]} {instance}")
        return
    if action == "pre_clear":
        pk_set = set(instance.groups.values_list("pk", flat=True))
        if not pk_set:
            return
    record(
        AuditEvent.Kind.GROUPS, subject=instance, detail=f"{verb[action]} {_names(model, pk_set)}"
    )


def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        if reverse:
            return
        related = instance.permissions if isinstance(instance, Group) else instance.user_permissions
        pk_set = set(related.values_list("pk", flat=True))
        if not pk_set:
            return
    verb = "granted" if action == "post_add" else "withdrawn"
    if reverse:  # permission.group_set / user_set: instance is the permission
        for owner in model.objects.filter(pk__in=pk_set or ()):
            record(AuditEvent.Kind.PERMISSIONS, subject=owner, detail=f"{verb}: {instance}")
        return
    label = f"group {instance}" if isinstance(instance, Group) else instance.get_username()
    record(AuditEvent.Kind.PERMISSIONS, subject=label, detail=f"{verb}: {_names(model, pk_set)}")


ROLE_FLAGS = ("is_active", "is_staff", "is_superuser")


def _role_flags_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not set(update_fields) & set(ROLE_FLAGS)):
        return  # fixtures, or a save that cannot touch the flags (last_login on log-in)
    if instance.pk is None:
        flags = [flag for flag in ROLE_FLAGS[1:] if getattr(instance, flag)]
        if flags:
            record(
                AuditEvent.Kind.ROLE,
                subject=instance.get_username(),
                detail="created with " + " and ".join(flags),
            )
        return
    before = sender.objects.filter(pk=instance.pk).values(*ROLE_FLAGS).first()
    changes = [
        f"{flag} {before[flag]} → {getattr(instance, flag)}"
        for flag in ROLE_FLAGS
        if before is not None and before[flag] != getattr(instance, flag)
    ]
    if changes:
        record(AuditEvent.Kind.ROLE, subject=instance.get_username(), detail="; ".join(changes))


def connect_signals():
    User = get_user_model()
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit_locked_out")
    m2m_changed.connect(_user_groups_changed, sender=User.groups.through, dispatch_uid="audit_g")
    m2m_changed.connect(
        _permissions_changed, sender=User.user_permissions.through, dispatch_uid="audit_up"
    )
    m2m_changed.connect(
        _permissions_changed, sender=Group.permissions.through, dispatch_uid="audit_gp"
    )
    pre_save.connect(_role_flags_changed, sender=User, dispatch_uid="audit_roles")
