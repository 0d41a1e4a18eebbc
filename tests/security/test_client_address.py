"""Behind a load balancer (issue 13): the client's address comes from X-Forwarded-For only when
the request arrives from a trusted proxy, and the sign-in lockout and the public-form limits
count that address, not the balancer's."""

import pytest
from django.test import Client, RequestFactory

from config.proxies import client_address, parse_trusted_proxies
from tests.conftest import PASSWORD, host_of
from tests.tenants.web.test_public_pages import FILE, complaint

BALANCER = "10.0.0.5"


def _address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert _address(BALANCER, "198.51.100.1") == BALANCER


def test_through_trusted_proxies_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.10", "2001:db8::/32"]
    # The client wrote the left-most entry itself; the balancer appended the real one.
    assert _address(BALANCER, "1.1.1.1, 198.51.100.7") == "198.51.100.7"
    # Two trusted hops (a CDN edge, then the balancer).
    assert _address(BALANCER, "198.51.100.7, 192.0.2.10") == "198.51.100.7"
    assert _address(BALANCER, "2001:db8::9, 2001:db9::1") == "2001:db9::1"
    # Nothing forwarded, only trusted hops, or garbage: the last proxy is all we know.
    assert _address(BALANCER) == BALANCER
    assert _address(BALANCER, "10.0.0.6") == "10.0.0.6"
    assert _address(BALANCER, "198.51.100.7, not-an-address") == BALANCER
    # A request that does not come from a trusted proxy cannot choose its address.
    assert _address("203.0.113.7", "198.51.100.9") == "203.0.113.7"


def test_a_wrong_trusted_proxy_entry_is_refused_saying_which():
    with pytest.raises(ValueError, match="TRUSTED_PROXIES: .*'10.0.0.0/33'"):
        parse_trusted_proxies(["10.0.0.0/33"])


def _sign_in(program, email, password, client_ip):
    client = Client(HTTP_HOST=host_of(program))
    answer = client.post(
        "/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=client_ip,
    )
    return answer, "_auth_user_id" in client.session


def test_sign_in_lockout_counts_the_client_behind_the_balancer(db, world, program_a, settings):
    settings.TRUSTED_PROXIES = [BALANCER]
    email = world.users["a_staff2"].email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(program_a, email, "wrong-password", "198.51.100.20")
    answer, signed_in = _sign_in(program_a, email, PASSWORD, "198.51.100.20")
    assert answer.status_code == 429 and not signed_in
    # Through the same balancer, the owner at another address is not locked out.
    answer, signed_in = _sign_in(program_a, email, PASSWORD, "198.51.100.21")
    assert answer.status_code == 302 and signed_in


def test_public_form_limit_counts_the_client_behind_the_balancer(db, program_a, settings):
    settings.TRUSTED_PROXIES = [BALANCER]
    settings.PUBLIC_RATE_LIMITS = {"file_complaint": (2, 600)}

    def file(client_ip):
        client = Client(HTTP_HOST=host_of(program_a))
        return client.post(
            FILE, complaint(), REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=client_ip
        ).status_code

    assert [file("198.51.100.30") for _ in range(3)] == [302, 302, 429]
    # Everyone else behind the same balancer still files.
    assert file("198.51.100.31") == 302
    # A client cannot dodge its count by writing its own header in front.
    assert file("7.7.7.7, 198.51.100.30") == 429
