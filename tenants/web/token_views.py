"""A member's own API tokens, on the program's site (/accounts/api-tokens/): make one (shown
once), see when each was last used, revoke. Nobody sees or revokes another member's tokens.
The page itself is accounts.api_tokens.token_page, shared with the TA staff's token page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.api_tokens import REVOKED, token_page
from tenants.api_tokens import create_member_token, revoke_member_token
from tenants.errors import DomainError
from tenants.models import MemberToken


@require_http_methods(["GET", "POST"])
def member_tokens(request):
    def make(*, name, days):
        # Whether this session passed two-factor sign-in goes with the token (made_verified).
        verified = request.user.is_verified()
        return create_member_token(actor=request.user, name=name, days=days, verified=verified)[1]

    return token_page(
        request,
        make=make,
        tokens=MemberToken.objects.filter(user=request.user),
        template="tenants/api_tokens.html",
        url_name="member_tokens",
        revoke_url_name="member_token_revoke",
        refusals=(DomainError,),
    )


@require_POST
def revoke_token(request, token_id):
    if not revoke_member_token(actor=request.user, token_id=token_id):
        return render(request, "404.html", status=404)
    messages.success(request, REVOKED)
    return redirect("member_tokens")
