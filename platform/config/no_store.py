"""`Cache-Control: no-store` on what must not stay in a browser's or a proxy's cache: every
answer to a signed-in person (case pages, evidence, exports), every API answer, and every page
of a program's site (its public pages show a case's status to whoever holds a tracking code).
A shared computer at a drop-in is the usual case: the back button must not show the last
person's case after they signed out."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/api/")
            or getattr(request, "program", None) is not None
            or getattr(user, "is_authenticated", False)
        ):
            add_never_cache_headers(response)
        return response
