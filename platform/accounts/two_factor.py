"""Two-factor sign-in with time-based codes (TOTP, django-otp).

Required for platform operators, TA staff, health-department admins, program admins (who can
export a whole program) and Django staff accounts (the admin); available to other program staff.
Until a signed-in person has entered a code in this session, every page except these two-factor
pages and sign-out sends them to set up or enter a code.

Setting up a device is the one exempt page that changes the second factor, so it is guarded on
its own: a first device only while the account has no confirmed one; a replacement only in a
session already verified with the current device, and only with a fresh code from it. Someone
who lost their device asks an operator, whose reset (user admin) is logged.
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
    Role.PROGRAM_ADMIN,
)
EXEMPT_URL_NAMES = {"otp_setup", "otp_verify", "logout"}
EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


CODE_MISMATCH = _("That code did not match. Enter the current code shown in the app.")
CURRENT_CODE_MISMATCH = _(
    "That code did not match your current authenticator app. Enter the code it shows now."
)


def requires_two_factor(user):
    # Staff reach the Django admin: a password alone never opens it, membership or not.
    return (
        user.is_superuser
        or user.is_staff
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
        if getattr(request, "member_token", None) is not None:
            # A member's API token, already held to today's two-factor rule as it was looked up
            # (tenants.api_tokens.member_for_token): no page to send a script to.
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


class ReplaceDeviceForm(TokenForm):
    """Replacing a device: a code from the app in use now proves the person still holds it."""

    current_token = forms.CharField(
        label=_("Code from the app you use now"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["current_token", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].label = _("6-digit code from the new app")
        self.fields["token"].widget.attrs.pop("autofocus", None)
        self.fields["current_token"].widget.attrs["autofocus"] = True


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
    """Show a new secret (QR code and text) and turn it on once a correct code is entered.

    With a confirmed device already, only a session verified with it may replace it, and the
    form asks for a fresh code from it as well: a password alone never changes the second
    factor (the page is exempt from the verification redirect, so it checks this itself)."""
    user = request.user
    replacing = confirmed_devices(user).exists()
    if replacing and not user.is_verified():
        return redirect(reverse("otp_verify") + f"?next={request.get_full_path()}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or (
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    )
    form_class = ReplaceDeviceForm if replacing else TokenForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        current_ok = not replacing or _verify_current(user, form.cleaned_data["current_token"])
        if not current_ok:
            form.add_error("current_token", CURRENT_CODE_MISMATCH)
        elif device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
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
            "replacing": replacing,
            "next": _safe_next(request),
        },
    )


def _verify_current(user, token):
    """A fresh code from one of the user's confirmed devices (each code counts once)."""
    return any(device.verify_token(token.strip()) for device in confirmed_devices(user))


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
