"""Optional two-factor log-in for staff with an authenticator app (TOTP, django-otp).

- Anyone with staff access can turn it on at ``two-factor/`` under the admin. First the site
  e-mails them a link (valid 30 minutes): a password alone, in someone else's hands, cannot
  enrol the stranger's phone. The link opens the QR code; typing the six-digit code confirms it.
  Instead of the e-mail, an administrator who has checked who they are (in person, by phone)
  can confirm it at ``two-factor/confirm/`` (valid 24 hours, once); never their own.
  From then on, after the password, the admin asks for a code (``two-factor/verify/``).
- Turning it on also makes ten single-use recovery codes (django-otp's static device), shown
  once: each opens the admin once in place of a code, for the day the phone is lost. New ones can
  be made (with a current code) from the same page; the old ones stop working.
- With ``REQUIRE_2FA=true`` everyone who can publish (editors, administrators) must set it up
  before they can use the admin, and cannot turn it off.

Wrong codes are throttled by django-otp (each failure doubles the wait). Turning it on or off,
and making new recovery codes, is recorded in the audit trail.
"""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import audit
from clinic.accounts.models import AuditEvent, TwoFactorApproval
from clinic.lib.mail import queue_email

DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10
ENROL_LINK_SECONDS = 30 * 60
ENROL_SALT = "clinic.two_factor.enrol"
ENROL_SESSION_KEY = "two_factor_enrol_confirmed"


def publishes_pages(user) -> bool:
    """Whether the user may publish some kind of page. Every page type's permission is named
    `<app>.publish_<model>` (clinic.pages.registry checks it), so this needs no list of them."""
    return user.is_superuser or any(
        perm.split(".", 1)[1].startswith("publish_") for perm in user.get_all_permissions()
    )


def must_use_two_factor(user) -> bool:
    return settings.REQUIRE_2FA and user.is_staff and publishes_pages(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorMiddleware:
    """Sends staff who have not yet given their code (or must first set one up) to do so.

    Runs after django-otp's OTPMiddleware, which tells whether this session gave a code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not _exempt(request)
        ):
            if confirmed_device(user) is not None:
                return _redirect_with_next("two_factor_verify", request)
            if must_use_two_factor(user):
                return _redirect_with_next("two_factor_setup", request)
        return self.get_response(request)


def _exempt(request) -> bool:
    exempt = (
        reverse("two_factor_verify"),
        reverse("two_factor_setup"),
        reverse("admin:logout"),
    )
    return request.path in exempt or request.path.startswith(settings.STATIC_URL)


def _redirect_with_next(name, request):
    # Encoded as Django's own log-in redirect does: a `next` with its own query string
    # (?a=1&b=2) must come back whole.
    query = QueryDict(mutable=True)
    query["next"] = request.get_full_path()
    return redirect(f"{reverse(name)}?{query.urlencode(safe='/')}")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The code your authenticator app shows now; it changes every 30 seconds.",
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError("Type the six digits your authenticator app shows.")
        return code


class LogInCodeForm(CodeForm):
    """At log-in, a recovery code (8 letters and digits) is accepted in place of the app's."""

    code = forms.CharField(
        label="Six-digit code or recovery code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=(
            "The code your authenticator app shows now, or, if you have lost your phone, one of "
            "your recovery codes (each works once)."
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if len(code) == 8 and code.isalnum():
            return code
        raise ValidationError(
            "Type the six digits your authenticator app shows, or one of your recovery codes."
        )


def _check(form, user, device):
    """The device if the form's code is right for it; otherwise an error on the form."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code", "Too many wrong codes. Wait a minute, then type the newest code from your app."
        )
        return None
    verified = verify_token(user, device.persistent_id, form.cleaned_data["code"])
    if verified is None:
        form.add_error("code", "That code is not right. Type the newest code from your app.")
    return verified


def _page(request, template, context):
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "next": _next_url(request), **context},
    )


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with ten new ones; return them (shown only once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@admin.site.admin_view
def verify(request):
    """Second step of logging in, for staff with an authenticator app (or a recovery code)."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = LogInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code.isdigit():
            verified = _check(form, request.user, device)
        else:
            recovery = StaticDevice.objects.filter(user=request.user).first()
            verified = _check(form, request.user, recovery) if recovery else None
            if recovery is None:
                form.add_error("code", "That code is not right.")
        if verified is not None:
            otp_login(request, verified)
            if isinstance(verified, StaticDevice):
                left = verified.token_set.count()
                audit.record(
                    AuditEvent.Kind.TWO_FACTOR,
                    subject=request.user.get_username(),
                    detail=f"logged in with a recovery code ({left} left)",
                )
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, turn "
                    "two-factor log-in off and on again with the new one, or make new codes.",
                )
            return redirect(_next_url(request))
        audit.record(
            AuditEvent.Kind.LOGIN_FAILED,
            subject=request.user.get_username(),
            detail="wrong two-factor code",
        )
    return _page(
        request, "admin/two_factor/verify.html", {"form": form, "title": "Two-factor log-in"}
    )


def enrol_link(request, user) -> str:
    token = signing.TimestampSigner(salt=ENROL_SALT).sign(f"{user.pk}:{user.password[-12:]}")
    # From SITE_URL, never from the request's Host header.
    return f"{settings.SITE_URL}{reverse('two_factor_setup')}?{urlencode({'confirm': token})}"


def _enrol_confirmed(request, user) -> bool:
    """Did this person open the link we e-mailed them (now, or earlier in this session)?"""
    token = request.GET.get("confirm")
    if token:
        try:
            value = signing.TimestampSigner(salt=ENROL_SALT).unsign(
                token, max_age=ENROL_LINK_SECONDS
            )
        except signing.BadSignature:
            messages.error(request, "That link has expired or is not right; ask for a new one.")
            return False
        if value == f"{user.pk}:{user.password[-12:]}":
            request.session[ENROL_SESSION_KEY] = user.pk
            return True
        messages.error(request, "That link was made for someone else.")
        return False
    if request.session.get(ENROL_SESSION_KEY) == user.pk:
        return True
    approval = TwoFactorApproval.objects.filter(user=user).first()
    return approval is not None and approval.is_current


@admin.site.admin_view
def setup(request):
    """Turn two-factor log-in on (e-mailed link, scan, confirm with a code) or off; new
    recovery codes."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        return _enabled(request, user, device, form)

    if not _enrol_confirmed(request, user):
        sent = False
        if request.method == "POST" and "send_link" in request.POST:
            if user.email:
                queue_email(
                    "Set up two-factor log-in",
                    "Someone (we hope you) asked to set up two-factor log-in for "
                    f"{user.get_username()} on the clinic's website. If it was you, open this "
                    f"link within 30 minutes, while logged in:\n\n{enrol_link(request, user)}\n\n"
                    "If it was not you, tell an administrator: someone knows your password.",
                    [user.email],
                )
                audit.record(
                    AuditEvent.Kind.TWO_FACTOR,
                    subject=user.get_username(),
                    detail="set-up link e-mailed",
                )
            sent = True
        return _page(
            request,
            "admin/two_factor/setup.html",
            {
                "form": None,
                "enabled": False,
                "confirm_by_email": True,
                "sent": sent,
                "email": user.email,
                "required": must_use_two_factor(user),
                "title": "Two-factor log-in",
            },
        )

    pending, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    if request.method == "POST" and form.is_valid():
        verified = _check(form, user, pending)
        if verified is not None:
            verified.confirmed = True
            verified.save(update_fields=["confirmed"])
            otp_login(request, verified)
            request.session.pop(ENROL_SESSION_KEY, None)
            TwoFactorApproval.objects.filter(user=user).delete()  # used: it works once
            codes = new_recovery_codes(user)
            audit.record(
                AuditEvent.Kind.TWO_FACTOR, subject=user.get_username(), detail="turned on"
            )
            return _page(
                request,
                "admin/two_factor/recovery_codes.html",
                {"codes": codes, "title": "Your recovery codes", "first_time": True},
            )
    qr = qrcode.make(pending.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return _page(
        request,
        "admin/two_factor/setup.html",
        {
            "form": form,
            "enabled": False,
            "required": must_use_two_factor(user),
            "title": "Two-factor log-in",
            # Made here from our own data by qrcode: an <svg> of one <path>, no script or style.
            "qr_svg": mark_safe(qr.to_string(encoding="unicode")),
            "secret": _grouped(pending.config_url.split("secret=")[1].split("&")[0]),
        },
    )


def _enabled(request, user, device, form):
    """Already on: turn it off (with a current code), or make new recovery codes."""
    if request.method == "POST" and form.is_valid():
        if "new_codes" in request.POST:
            if _check(form, user, device) is not None:
                codes = new_recovery_codes(user)
                audit.record(
                    AuditEvent.Kind.TWO_FACTOR,
                    subject=user.get_username(),
                    detail="new recovery codes",
                )
                return _page(
                    request,
                    "admin/two_factor/recovery_codes.html",
                    {"codes": codes, "title": "Your recovery codes", "first_time": False},
                )
        elif must_use_two_factor(user):
            form.add_error("code", "Two-factor log-in is required for your role.")
        elif _check(form, user, device) is not None:
            device.delete()
            StaticDevice.objects.filter(user=user).delete()
            audit.record(
                AuditEvent.Kind.TWO_FACTOR, subject=user.get_username(), detail="turned off"
            )
            messages.success(request, "Two-factor log-in is off.")
            return redirect("two_factor_setup")
    recovery = StaticDevice.objects.filter(user=user).first()
    return _page(
        request,
        "admin/two_factor/setup.html",
        {
            "form": form,
            "enabled": True,
            "required": must_use_two_factor(user),
            "codes_left": recovery.token_set.count() if recovery else 0,
            "title": "Two-factor log-in",
        },
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- An administrator confirms someone's first set-up, instead of the e-mail ------------------


def _awaiting(user_model):
    """Active staff without a confirmed authenticator: those an administrator may vouch for."""
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        user_model.objects.filter(is_active=True, is_staff=True)
        .exclude(Exists(has_device))
        .select_related("two_factor_approval__approved_by")
        .order_by("username")
    )


@admin.site.admin_view
def approvals(request):
    """For administrators only: let a colleague set up two-factor log-in without the e-mail.

    The administrator must first make sure who is asking (in person, or by calling them on a
    number they already know): whoever holds the password could otherwise enrol their own
    phone. An administrator cannot confirm their own set-up.
    """
    if not request.user.is_superuser:
        raise PermissionDenied
    user_model = get_user_model()
    awaiting = _awaiting(user_model)
    if request.method == "POST":
        chosen = request.POST.get("user", "")
        person = awaiting.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if person is None:
            messages.error(request, "That person is not waiting to set up two-factor log-in.")
        elif person == request.user:
            messages.error(
                request, "You cannot confirm your own set-up: ask another administrator."
            )
        else:
            TwoFactorApproval.objects.update_or_create(
                user=person, defaults={"approved_by": request.user, "approved_at": timezone.now()}
            )
            audit.record(
                AuditEvent.Kind.TWO_FACTOR,
                subject=person.get_username(),
                detail="set-up confirmed by an administrator instead of the e-mailed link",
            )
            messages.success(
                request,
                f"The account “{person.get_username()}” can now set up two-factor log-in "
                f"(Two-factor log-in, top right) within {TwoFactorApproval.APPROVAL_HOURS} "
                "hours, without the e-mail.",
            )
        return redirect("two_factor_approvals")
    return _page(
        request,
        "admin/two_factor/approvals.html",
        {"people": awaiting, "title": "Confirm a colleague's two-factor set-up"},
    )
