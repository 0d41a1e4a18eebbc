"""Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (default 8 hours) and,
however active, SESSION_COOKIE_AGE seconds after sign-in (default 12 hours). Django alone
renews a session's expiry whenever it is saved, so neither limit would hold by itself.

The last-seen time is written at most once a minute, not on every request."""

import time

from django.conf import settings
from django.contrib.auth import logout

STARTED = "_session_started"
SEEN = "_session_seen"
ENDED = "_session_timed_out"
WRITE_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            started = session.get(STARTED, now)
            seen = session.get(SEEN, now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)  # a fresh anonymous session: the page asks to sign in again
                request.session[ENDED] = True  # the sign-in page says why
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and getattr(user, "is_authenticated", False):
            session.setdefault(STARTED, now)
            if now - session.get(SEEN, 0) > WRITE_EVERY:
                session[SEEN] = now
        return response
