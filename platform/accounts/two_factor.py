"""Two-factor sign-in with time-based codes (TOTP, django-otp).

Required for platform operators, TA staff and health-department admins; available to program
staff. Until a signed-in person has entered a code in this session, every page except these
two-factor pages and sign-out sends them to set up or enter a code.
"""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role
from organizations.middleware import program_public

ROLES_REQUIRING_TWO_FACTOR = (
    Role.PLATFORM_OPERATOR,
    Role.TA_STAFF,
    Role.HEALTH_DEPARTMENT_ADMIN,
)
EXEMPT_URL_NAMES = {"otp_setup", "otp_verify", "logout"}
EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


CODE_MISMATCH = _("That code did not match. Enter the current code shown in the app.")


def requires_two_factor(user):
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=ROLES_REQUIRING_TWO_FACTOR).exists()
    )


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if (match and match.url_name in EXEMPT_URL_NAMES) or request.path.startswith(
            EXEMPT_PREFIXES
        ):
            return None
        next_param = f"?next={request.get_full_path()}"
        if confirmed_devices(user).exists():
            return redirect(reverse("otp_verify") + next_param)
        if requires_two_factor(user):
            return redirect(reverse("otp_setup") + next_param)
        return None


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _qr_data_uri(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@program_public
@login_required
def setup_two_factor(request):
    """Show a new secret (QR code and text) and turn it on once a correct code is entered."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or (
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", CODE_MISMATCH)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": _qr_data_uri(device.config_url),
            "required": requires_two_factor(user),
            "next": _safe_next(request),
        },
    )


@program_public
@login_required
def verify_two_factor(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", CODE_MISMATCH)
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )
