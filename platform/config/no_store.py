"""`Cache-Control: no-store` on what must not stay in a browser's or a proxy's cache: every
answer to a signed-in person (case pages, evidence, exports), every API answer, and every page
of a program's site (its public pages show a case's status to whoever holds a tracking code).
A shared computer at a drop-in is the usual case: the back button must not show the last
person's case after they signed out.

One exception, asked for by the view itself with `may_keep_privately`: an evidence photo's
preview on the case page may stay in that browser's own cache a few minutes, so a phone does not
download every full photo again on each visit. Never in a shared cache (`private`), and signing
out clears the browser's cache for the site (accounts.views.SignOutView)."""

from django.utils.cache import add_never_cache_headers, patch_cache_control

KEEP_PRIVATELY = "_may_keep_privately"


def may_keep_privately(response, *, seconds):
    """Let this one answer stay in the reader's own browser cache for `seconds` (the middleware
    leaves it as it is)."""
    patch_cache_control(response, private=True, max_age=seconds)
    setattr(response, KEEP_PRIVATELY, True)
    return response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(response, KEEP_PRIVATELY, False):
            return response
        if (
            request.path.startswith("/api/")
            or getattr(request, "program", None) is not None
            or getattr(user, "is_authenticated", False)
        ):
            add_never_cache_headers(response)
        return response
