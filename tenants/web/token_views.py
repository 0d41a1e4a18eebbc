"""A member's own API tokens, on the program's site (/accounts/api-tokens/): make one (shown
once), see when each was last used, revoke. Nobody sees or revokes another member's tokens."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tenants.api_tokens import (
    DEFAULT_LIFETIME,
    TOKEN_LIFETIMES,
    create_member_token,
    revoke_member_token,
)
from tenants.errors import DomainError
from tenants.models import MemberToken

# "90 days" in the reader's language: a lazy `%` would be worked out once, at import.
_days = lazy(lambda d: _("%(d)s days") % {"d": d}, str)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("Where you will use it, e.g. “weekly report script”."),
        error_messages={"required": gettext_lazy("Give the token a name.")},
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        choices=[(d, _days(d)) for d in TOKEN_LIFETIMES],
        initial=DEFAULT_LIFETIME,
    )


# The new token waits in the session for the one page that shows it (post, redirect, get: a
# reload never makes a second token), and is removed from it as that page is made.
SESSION_KEY_OF_NEW_TOKEN = "new_api_token"  # noqa: S105 (a session key, not a secret)


@require_http_methods(["GET", "POST"])
def member_tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, plaintext = create_member_token(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[SESSION_KEY_OF_NEW_TOKEN] = plaintext
            return redirect("member_tokens")
    return render(
        request,
        "tenants/api_tokens.html",
        {
            "form": form,
            "plaintext": request.session.pop(SESSION_KEY_OF_NEW_TOKEN, None),
            "tokens": MemberToken.objects.filter(user=request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def revoke_token(request, token_id):
    if not revoke_member_token(actor=request.user, token_id=token_id):
        return render(request, "404.html", status=404)
    messages.success(request, _("Token revoked. Scripts that use it now get “401”."))
    return redirect("member_tokens")
