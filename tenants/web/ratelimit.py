"""Flood protection for the public pages: a fixed-window counter per client address in Redis.

Written here rather than taken from django-ratelimit: the rule is a dozen lines, it must count
honeypot trips and bad submissions alike, and it goes through the project's cache (whose tenant-
aware key function keeps each program's counters apart). Addresses are stored only as a keyed
hash, never as they are.
"""

import hashlib
import hmac
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# The address django-axes counts too: X-Forwarded-For only from TRUSTED_PROXIES.
from config.proxies import client_address

# scope: (attempts allowed, per seconds). Generous: a program's space often shares one address
# (its wifi, or a shared computer), and many people may file from it in a busy hour.
DEFAULT_LIMITS = {
    "file_complaint": (10, 15 * 60),
    "check_status": (30, 15 * 60),
    # What a party does on their own page (statements, appeals ...): generous, against floods.
    "own_page": (60, 15 * 60),
}


def limits(scope):
    return getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(scope, DEFAULT_LIMITS[scope])


def _key(scope, request, window_start):
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        (client_address(request) or "unknown").encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    return f"public-rate:{scope}:{digest}:{window_start}"


class Limited(Exception):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.minutes = max(1, math.ceil(retry_after / 60))


def count_attempt(request, scope):
    """Count one attempt from this address; raise Limited once it is over the limit."""
    allowed, window = limits(scope)
    now = int(time.time())
    window_start = now - now % window
    key = _key(scope, request, window_start)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    if count > allowed:
        raise Limited(retry_after=window_start + window - now)


def too_many(request, limited):
    """The friendly 429 page, with when to try again."""
    response = render(request, "public/rate_limited.html", {"minutes": limited.minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response
