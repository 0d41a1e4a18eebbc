"""API tokens for TA staff: `Authorization: Bearer <token>` on the platform host only."""

from django.http import Http404
from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.api_tokens import REFUSAL, find_live, is_program_token, presented_token, touch
from accounts.models import Membership, Role
from summaries.models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        plaintext = presented_token(request)
        if plaintext is None:
            return None
        now = timezone.now()
        token = find_live(ApiToken, plaintext, now)
        # One message for every failure: do not tell an expired token from a made-up one.
        if token is None or not is_ta_staff(token.user, made_at=token.created_at):
            raise exceptions.AuthenticationFailed(REFUSAL)
        touch(token, now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def is_ta_staff(user, *, made_at):
    """Whether `user` holds a TA staff membership older than a token made at `made_at`.

    A token older than every membership was made in an earlier one: its owner was removed and
    added back, or moved to another provider, and the old token gets nothing (as a program
    member's, tenants.api_tokens). A token reaches only the providers of the memberships it is
    newer than (summaries.access.viewer_for)."""
    return Membership.objects.filter(
        user=user, role=Role.TA_STAFF, created_at__lte=made_at
    ).exists()


class RefuseApiTokensOnProgramSites:
    """A TA token opens nothing on a program's site: any request there that presents one is
    answered 404, like any other outsider (nothing confirms what exists). Only a program
    member's own token (tenants.api_tokens) passes, and only to the program's API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        plaintext = presented_token(request)
        member_token_on_api = request.path.startswith("/api/") and is_program_token(plaintext)
        if getattr(request, "program", None) is not None and plaintext and not member_token_on_api:
            raise Http404
        return self.get_response(request)
