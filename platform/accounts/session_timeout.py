"""Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (default 8 hours) and,
however active, SESSION_COOKIE_AGE seconds after sign-in (default 12 hours). Django alone
renews a session's expiry whenever it is saved, so neither limit would hold by itself.

A session's start and last-seen times are kept in the "platform" cache under its key, not in
the session row: no database write per request (the last-seen time is written at most once a
minute). A session whose times are missing (its first request) starts counting then."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import caches

ENDED = "_session_timed_out"
WRITE_EVERY = 60


def _key(session_key):
    return f"session-times:{session_key}"


def session_times(session_key):
    """(started, last seen) of a session, or None."""
    return caches["platform"].get(_key(session_key))


def stamp_session(session_key, *, started, seen):
    caches["platform"].set(_key(session_key), (started, seen), timeout=settings.SESSION_COOKIE_AGE)


def _expired(times, now):
    started, seen = times
    return now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            times = session_times(session.session_key)
            if times is not None and _expired(times, now):
                caches["platform"].delete(_key(session.session_key))
                logout(request)  # a fresh anonymous session: the page asks to sign in again
                request.session[ENDED] = True  # the sign-in page says why
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and getattr(user, "is_authenticated", False):
            if session.session_key is None:
                session.save()  # signed in just now: the session needs its key
            times = session_times(session.session_key)
            if times is None:
                stamp_session(session.session_key, started=now, seen=now)
            elif now - times[1] > WRITE_EVERY:
                stamp_session(session.session_key, started=times[0], seen=now)
        return response
