"""Optional two-factor log-in for staff with an authenticator app (TOTP, django-otp).

- Anyone with staff access can turn it on at ``two-factor/`` under the admin: scan the QR code,
  type the six-digit code to confirm. From then on, after the password, the admin asks for a
  code (``two-factor/verify/``) before anything else opens.
- With ``REQUIRE_2FA=true`` everyone who can publish (editors, administrators) must set it up
  before they can use the admin, and cannot turn it off.

Wrong codes are throttled by django-otp (each failure doubles the wait). Turning it on or off is
recorded in the audit trail.
"""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import audit
from clinic.accounts.models import AuditEvent

DEVICE_NAME = "Authenticator app"


def can_publish(user) -> bool:
    """Whether the user may publish some kind of page. Every page type's permission is named
    `<app>.publish_<model>` (clinic.pages.registry checks it), so this needs no list of them."""
    return user.is_superuser or any(
        perm.split(".", 1)[1].startswith("publish_") for perm in user.get_all_permissions()
    )


def must_use_two_factor(user) -> bool:
    return settings.REQUIRE_2FA and user.is_staff and can_publish(user)


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


def _check(form, user, device) -> TOTPDevice | None:
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


@admin.site.admin_view
def verify(request):
    """Second step of logging in, for staff with an authenticator app."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = _check(form, request.user, device)
        if verified is not None:
            otp_login(request, verified)
            return redirect(_next_url(request))
        audit.record(
            AuditEvent.Kind.LOGIN_FAILED,
            subject=request.user.get_username(),
            detail="wrong two-factor code",
        )
    return _page(
        request, "admin/two_factor/verify.html", {"form": form, "title": "Two-factor log-in"}
    )


@admin.site.admin_view
def setup(request):
    """Turn two-factor log-in on (scan, confirm with a code) or off."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        # Already on: the page offers to turn it off, which needs a current code.
        if request.method == "POST" and form.is_valid():
            if must_use_two_factor(user):
                form.add_error("code", "Two-factor log-in is required for your role.")
            elif _check(form, user, device) is not None:
                device.delete()
                audit.record(
                    AuditEvent.Kind.TWO_FACTOR, subject=user.get_username(), detail="turned off"
                )
                messages.success(request, "Two-factor log-in is off.")
                return redirect("two_factor_setup")
        return _page(
            request,
            "admin/two_factor/setup.html",
            {
                "form": form,
                "enabled": True,
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
            audit.record(
                AuditEvent.Kind.TWO_FACTOR, subject=user.get_username(), detail="turned on"
            )
            messages.success(request, "Two-factor log-in is on. Keep your phone safe.")
            return redirect(_next_url(request))
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


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
