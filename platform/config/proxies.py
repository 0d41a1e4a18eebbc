"""The client's address, behind a load balancer or not.

REMOTE_ADDR is the client unless it is one of `TRUSTED_PROXIES` (addresses or networks, empty by
default). Only then is X-Forwarded-For read, from the right: each trusted proxy appends the
address it received from, so the right-most address that is not a trusted proxy is the client.
Everything to its left was written by the client itself and may be made up. With no trusted
proxies the header is ignored, whatever it says.

Sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and the public-form rate limits
(tenants.web.ratelimit) both count this address.
"""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(trusted):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def parse_trusted_proxies(entries):
    """The networks of the setting; a wrong entry fails at start-up, saying which."""
    try:
        return _networks(tuple(entries))
    except ValueError as exc:
        raise ValueError(f"TRUSTED_PROXIES: {exc} (give addresses or networks)") from exc


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _address(remote_text)
    networks = parse_trusted_proxies(getattr(settings, "TRUSTED_PROXIES", ()))
    if not _trusted(remote, networks):
        return remote_text or None  # none at all: a request made in code (force_login)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address: nothing left of it can be believed; the last proxy is the client.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
