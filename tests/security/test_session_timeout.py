"""Sessions end after an idle period (SESSION_IDLE_TIMEOUT, 8 hours by default) and after an
absolute one (SESSION_COOKIE_AGE), however active (issue 13)."""

import time

from django.conf import settings

from accounts.session_timeout import session_times, stamp_session


def _shift(client, seen, started=None):
    """Make the client's session look last seen `seen` seconds ago (started `started` ago)."""
    key = client.session.session_key
    now = time.time()
    times = session_times(key)
    assert times is not None, "the session was stamped at its first request"
    stamp_session(key, started=now - started if started is not None else times[0], seen=now - seen)


def test_the_defaults():
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600  # no longer Django's 14 days


def test_a_session_ends_after_the_idle_period(db, world, program_a, client_for):
    client = client_for(program_a, world.users["a_staff"])
    assert client.get("/cases/").status_code == 200
    _shift(client, seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/cases/").status_code == 200  # active within the period: still in
    _shift(client, seen=settings.SESSION_IDLE_TIMEOUT + 60)
    page = client.get("/cases/")
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert "You were signed out after a while" in client.get(page.url).text
    assert "You were signed out" not in client.get(page.url).text  # said once


def test_a_session_ends_after_the_absolute_period_however_active(db, world, program_a, client_for):
    client = client_for(program_a, world.users["a_staff"])
    assert client.get("/cases/").status_code == 200
    _shift(client, seen=5, started=settings.SESSION_COOKIE_AGE + 60)
    page = client.get("/cases/")
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")


def test_the_api_ends_with_the_session_too(db, world, program_a, client_for):
    client = client_for(program_a, world.users["a_staff"])
    assert client.get("/api/cases/").status_code == 200
    _shift(client, seen=settings.SESSION_IDLE_TIMEOUT + 60)
    answer = client.get("/api/cases/")
    assert answer.status_code in (302, 401, 403)  # sent to sign in, no cases
    assert b"results" not in answer.content
