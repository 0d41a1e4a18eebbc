"""Sign-in protection, besides django-axes' lock on a user name and address pair.

What django-axes counts sign-in failures against: the email as typed on the sign-in form
(field "username"), folded to lower case so that changing the case of an address does not
start a fresh count. Without this, axes looks for a field named after USERNAME_FIELD ("email"),
finds none, and every failure is recorded without an account.

A flood on one user name from many addresses (each pair below the lock) is slowed down: after
SIGN_IN_FLOOD_FAILURES failures on the name within AXES_COOLOFF_TIME, the name gets one attempt
per SIGN_IN_FLOOD_INTERVAL seconds, whoever makes it. Its owner is never locked out for good:
an address the name signed in from before is not slowed, and the slowdown ends with the flood.
Counters live in the "platform" cache (no schema in the keys), so every site shares them; names
and addresses are kept only as keyed hashes.
"""

import hashlib
import hmac
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from config.proxies import client_address


def sign_in_username(request, credentials=None):
    source = credentials if credentials else getattr(request, "POST", {})
    return (source.get("username") or "").strip().lower() or None


class SlowedDown(Exception):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = max(1, math.ceil(retry_after))
        self.message = _(
            "Many sign-ins with this email address have failed in the last minutes, so it may "
            "try once every few seconds. Wait %(seconds)s seconds and try again."
        ) % {"seconds": self.retry_after}


def _cache():
    return caches["platform"]


def _digest(*parts):
    text = "\x00".join(parts)
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _window():
    length = int(settings.AXES_COOLOFF_TIME.total_seconds())
    now = int(time.time())
    return now - now % length, length


def _failures_key(username, window_start):
    return f"sign-in-failures:{_digest(username)}:{window_start}"


def _failures(username):
    """Failures on this name in the current window and the previous one (a flood that spans a
    window boundary still counts)."""
    start, length = _window()
    keys = [_failures_key(username, start), _failures_key(username, start - length)]
    return sum(v or 0 for v in _cache().get_many(keys).values())


def check_sign_in_pace(request, username):
    """Raise SlowedDown if this attempt on `username` must wait; call before the password is
    checked. Names are counted as typed, existing or not, so the answer reveals no account."""
    username = (username or "").strip().lower()
    if not username or _failures(username) < settings.SIGN_IN_FLOOD_FAILURES:
        return
    if _cache().get(_known_key(username, client_address(request) or "")):
        return
    interval = settings.SIGN_IN_FLOOD_INTERVAL
    slot = f"sign-in-slot:{_digest(username)}"
    if not _cache().add(slot, time.time(), timeout=interval):
        taken_at = _cache().get(slot) or time.time()
        raise SlowedDown(retry_after=taken_at + interval - time.time())


def record_sign_in_failure(username):
    username = (username or "").strip().lower()
    if not username:
        return
    start, length = _window()
    key = _failures_key(username, start)
    cache = _cache()
    cache.add(key, 0, timeout=2 * length + 5)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=2 * length + 5)


def _known_key(username, address):
    return f"sign-in-known:{_digest(username, address)}"


def record_sign_in_success(request, username):
    """This address now signs this name in without waiting, even during a flood."""
    username = (username or "").strip().lower()
    timeout = settings.SIGN_IN_KNOWN_ADDRESS_DAYS * 24 * 3600
    _cache().set(_known_key(username, client_address(request) or ""), 1, timeout=timeout)
