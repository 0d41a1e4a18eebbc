"""Personal API tokens of program members, for their own scripts (`Authorization: Token <t>`
or `Bearer <t>`, on the program's API only).

A token lives in its program's schema, so on any other program's host it is simply unknown.
It acts as its member and nothing more: the request runs as that user, with the role they
hold in this program now (a removed member's or a deactivated account's tokens stop working),
and every rule of the steps (the party rule of workflow.access included) applies as for a
signed-in session. Only the SHA-256 of the secret is kept; the secret is shown once.
"""

import secrets
from datetime import timedelta

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from accounts.access import program_role
from accounts.api_tokens import PROGRAM_TOKEN_PREFIX, hash_token, is_program_token
from accounts.api_tokens import presented_token as presented
from tenants.errors import DomainError
from tenants.models import MemberToken

# Days a token may stay valid: 90 unless the member picks another; a year at most, so a
# forgotten script's token does not outlive its use by long.
TOKEN_LIFETIMES = (30, 90, 180, 365)
DEFAULT_LIFETIME = 90
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_member_token(*, actor, name, days=DEFAULT_LIFETIME):
    """Returns (token, plaintext). The plaintext is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. “weekly report script”."), field="name")
    if days not in TOKEN_LIFETIMES:
        raise DomainError(_("Choose one of the offered lifetimes."), field="days")
    prefix = PROGRAM_TOKEN_PREFIX + secrets.token_hex(4)
    plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = MemberToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        key_hash=hash_token(plaintext),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, plaintext


def revoke_member_token(*, actor, token_id):
    """Revokes one of the actor's own tokens; False if they have no such live token."""
    revoked = MemberToken.objects.filter(user=actor, pk=token_id, revoked_at__isnull=True)
    return bool(revoked.update(revoked_at=timezone.now()))


def member_for_token(plaintext, program):
    """(user, token) for a live token of a current member of `program`, else None. One
    answer for every failure: an expired token is not told from a made-up one."""
    token = (
        MemberToken.objects.select_related("user").filter(key_hash=hash_token(plaintext)).first()
    )
    now = timezone.now()
    if token is None or not token.is_active(now) or not token.user.is_active:
        return None
    if program_role(token.user, program) is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        MemberToken.objects.filter(pk=token.pk).update(last_used_at=now)
    # The token was made in a session that passed two-factor sign-in where the member needs it
    # (the token page sits behind it), and it is itself a long random secret: django-otp's
    # check (accounts.two_factor) counts a token request as verified.
    token.user.is_verified = lambda: True
    return token.user, token


def _refusal():
    return _("Invalid, expired or revoked token.")


class ProgramTokenMiddleware:
    """On a program's API, a request that presents a member token runs as its member. Placed
    before ProgramAccessMiddleware, which then finds the member's role as for a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        program = getattr(request, "program", None)
        plaintext = presented(request)
        if program is not None and request.path.startswith("/api/") and is_program_token(plaintext):
            found = member_for_token(plaintext, program)
            if found is None:
                return JsonResponse(
                    {"detail": _refusal()},
                    status=401,
                    headers={"WWW-Authenticate": ProgramTokenAuthentication.keyword},
                )
            request.user, request.member_token = found
        return self.get_response(request)


class ProgramTokenAuthentication(authentication.BaseAuthentication):
    """DRF's side: the member the middleware found (or a lookup of its own when a view is used
    without the middleware). Listed before session authentication, so a token request needs
    no CSRF token and the session is not read."""

    keyword = "Token"

    def authenticate(self, request):
        plaintext = presented(request)
        program = getattr(request, "program", None)
        if program is None or not is_program_token(plaintext):
            return None
        token = getattr(request._request, "member_token", None)
        if token is not None:
            return request._request.user, token
        found = member_for_token(plaintext, program)
        if found is None:
            raise exceptions.AuthenticationFailed(_refusal())
        return found

    def authenticate_header(self, request):
        return self.keyword
