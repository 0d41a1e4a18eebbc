"""What the two kinds of API token share: how a request presents one, how it is stored, the
lifetimes offered, making, finding and revoking one, and the page that makes them. The prefix
tells a program member's token (program sites, tenants.api_tokens) from a TA staff token
(platform, summaries.auth). Each kind keeps its own table and its own rule for whom it lets in.
"""

import hashlib
import secrets
from datetime import timedelta

from django import forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KEYWORDS = ("bearer", "token")
# A program member's token starts with this; TA staff tokens start with "hr_".
PROGRAM_TOKEN_PREFIX = "hrp_"  # noqa: S105  (a label, not a secret)
TA_TOKEN_PREFIX = "hr_"  # noqa: S105  (a label, not a secret)

# Days a token may stay valid: 90 unless its owner picks another; a year at most (the tables
# check it too), so a forgotten script's token does not outlive its use by long.
TOKEN_LIFETIMES = (30, 90, 180, 365)
DEFAULT_LIFETIME = 90
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The one answer for every unknown, expired or revoked token: none is told from a made-up one.
REFUSAL = gettext_lazy("Invalid, expired or revoked token.")
REVOKED = gettext_lazy("Token revoked. Scripts that use it now get “401”.")


def presented_token(request):
    """The token in `Authorization: Token <t>` or `Authorization: Bearer <t>`, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() in KEYWORDS:
        return parts[1]
    return None


def is_program_token(plaintext):
    return bool(plaintext) and plaintext.startswith(PROGRAM_TOKEN_PREFIX)


def hash_token(plaintext):
    # Tokens are long random strings, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue_token(model, *, label, user, name, days, **fields):
    """Make a token of `model` (an ApiTokenBase) for `user`. Returns (token, plaintext); the
    plaintext is shown once and never stored. The caller has checked who may have one."""
    if days not in TOKEN_LIFETIMES:
        raise ValueError(f"unsupported lifetime: {days!r}")
    prefix = label + secrets.token_hex(4)
    plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = model.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_token(plaintext),
        expires_at=timezone.now() + timedelta(days=days),
        **fields,
    )
    return token, plaintext


def revoke_tokens(tokens, now=None):
    """Revoke every live token in the queryset; returns how many were live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def find_live(model, plaintext, now):
    """The live token of `model` with this secret, of an active account, or None."""
    token = (
        model.objects.select_related("user")
        .filter(key_hash=hash_token(plaintext), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def touch(token, now):
    """Note that the token was used (at most once per LAST_USED_RESOLUTION)."""
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        type(token).objects.filter(pk=token.pk).update(last_used_at=now)


# -- The token page ------------------------------------------------------------------------

# "90 days" in the reader's language, worked out as the form is shown.
_days = lazy(lambda d: _("%(d)s days") % {"d": d}, str)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("Where you will use it, e.g. “weekly report script”."),
        error_messages={"required": gettext_lazy("Give the token a name.")},
    )
    days = forms.TypedChoiceField(label=gettext_lazy("Valid for"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(d, _days(d)) for d in TOKEN_LIFETIMES]
        self.fields["days"].initial = DEFAULT_LIFETIME


# The new token waits in the session for the one page that shows it (post, redirect, get: a
# reload never makes a second token), and is removed from it as that page is made.
SESSION_KEY_OF_NEW_TOKEN = "new_api_token"  # noqa: S105 (a session key, not a secret)


def token_page(request, *, make, tokens, template, url_name, revoke_url_name, refusals=()):
    """The page of a person's own tokens (at `url_name`): the form, the new token once, the
    list. `make(name=, days=)` returns the plaintext; an exception in `refusals` (with
    `.message` and `.field`) is shown on the form."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plaintext = make(**form.cleaned_data)
        except refusals as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            request.session[SESSION_KEY_OF_NEW_TOKEN] = plaintext
            return redirect(url_name)
    return render(
        request,
        template,
        {
            "form": form,
            "plaintext": request.session.pop(SESSION_KEY_OF_NEW_TOKEN, None),
            "tokens": tokens,
            "revoke_url_name": revoke_url_name,
        },
        status=400 if request.method == "POST" else 200,
    )
