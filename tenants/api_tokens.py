"""Personal API tokens of program members, for their own scripts (`Authorization: Token <t>`
or `Bearer <t>`, on the program's API only).

A token lives in its program's schema, so on any other program's host it is simply unknown.
It acts as its member and nothing more: the request runs as that user, with the role they
hold in this program now (a removed member's or a deactivated account's tokens stop working),
and every rule of the steps (the party rule of workflow.access included) applies as for a
signed-in session. It is only as strong as the sign-in that made it: a token made without
two-factor sign-in is refused once its member needs two-factor sign-in (a role that needs it came
later), and removing a member or giving them such a role revokes their tokens
(tenants.staff). Only the SHA-256 of the secret is kept; the secret is shown once
(accounts.api_tokens, shared with TA staff tokens).
"""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions

from accounts.api_tokens import (
    DEFAULT_LIFETIME,
    PROGRAM_TOKEN_PREFIX,
    REFUSAL,
    TOKEN_LIFETIMES,
    find_live,
    is_program_token,
    issue_token,
    revoke_tokens,
    touch,
)
from accounts.api_tokens import presented_token as presented
from accounts.models import PROGRAM_ROLES, Membership
from accounts.two_factor import requires_two_factor
from tenants.errors import DomainError
from tenants.models import MemberToken

NEEDS_TWO_STEP = gettext_lazy(
    "This token was made without two-factor sign-in, and your account needs two-factor sign-in "
    "now. Sign in, set up two-factor sign-in, then make a new token."
)


class TokenRefused(Exception):
    def __init__(self, message=REFUSAL):
        super().__init__(str(message))
        self.message = str(message)


def create_member_token(*, actor, name, days=DEFAULT_LIFETIME, verified):
    """Returns (token, plaintext). The plaintext is shown once and never stored. `verified`:
    whether the session that asks for it passed two-factor sign-in (it goes with the token)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. “weekly report script”."), field="name")
    if days not in TOKEN_LIFETIMES:
        raise DomainError(_("Choose one of the offered lifetimes."), field="days")
    return issue_token(
        MemberToken,
        label=PROGRAM_TOKEN_PREFIX,
        user=actor,
        name=name,
        days=days,
        made_verified=bool(verified),
    )


def revoke_member_token(*, actor, token_id):
    """Revokes one of the actor's own tokens; False if they have no such live token."""
    return bool(revoke_tokens(MemberToken.objects.filter(user=actor, pk=token_id)))


def revoke_all_member_tokens(user):
    """Revoke every token `user` has in the current program's schema (tenants.staff)."""
    return revoke_tokens(MemberToken.objects.filter(user=user))


def member_for_token(plaintext, program):
    """(user, token) for a live token of a current member of `program`; TokenRefused
    otherwise. One answer for every unknown, expired or revoked token; a token that is live but
    weaker than its member's sign-in must now be is told so (its holder can fix it)."""
    now = timezone.now()
    token = find_live(MemberToken, plaintext, now)
    if token is None:
        raise TokenRefused
    user = token.user
    membership = (
        Membership.objects.filter(user=user, program=program, role__in=PROGRAM_ROLES)
        .only("role", "created_at")
        .first()
    )
    # A token older than the membership was made in an earlier one: the member was removed
    # and invited back (or the program restored), and their old scripts get nothing.
    if membership is None or token.created_at < membership.created_at:
        raise TokenRefused
    if not token.made_verified and requires_two_factor(user):
        raise TokenRefused(NEEDS_TWO_STEP)
    touch(token, now)
    # The request counts as past two-factor sign-in exactly when the session that made the token
    # was (django-otp's check; /api/me/ reports it).
    user.is_verified = lambda: token.made_verified
    user.__dict__.setdefault("_program_roles", {})[program.pk] = membership.role
    return user, token


class ProgramTokenMiddleware:
    """On a program's API, a request that presents a member token runs as its member. Placed
    before ProgramAccessMiddleware, which then finds the member's role as for a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        program = getattr(request, "program", None)
        plaintext = presented(request)
        if program is not None and request.path.startswith("/api/") and is_program_token(plaintext):
            try:
                request.user, request.member_token = member_for_token(plaintext, program)
            except TokenRefused as refused:
                return JsonResponse(
                    {"detail": refused.message},
                    status=401,
                    headers={"WWW-Authenticate": ProgramTokenAuthentication.keyword},
                )
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
        try:
            return member_for_token(plaintext, program)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message) from refused

    def authenticate_header(self, request):
        return self.keyword
