"""API tokens for TA staff: `Authorization: Bearer <token>` on the platform host only."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from accounts.api_tokens import is_program_token, presented_token
from accounts.models import Membership, Role
from summaries.models import ApiToken, hash_token

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        plaintext = presented_token(request)
        if plaintext is None:
            return None
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=hash_token(plaintext)).first()
        )
        now = timezone.now()
        # One message for every failure: do not tell an expired token from a made-up one.
        if token is None or not token.is_active(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if not Membership.objects.filter(user=token.user, role=Role.TA_STAFF).exists():
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


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
