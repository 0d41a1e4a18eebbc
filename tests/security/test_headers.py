"""Every page of both sites carries the security headers: a Content Security Policy without
'unsafe-inline', nosniff, a referrer policy, and frames refused. Pages come from the URL walk
(walker.py), so new pages are covered. (Production's secure cookies and HSTS are asserted in
tests/platform/test_settings.py::test_production_values and check --deploy there.)"""

import logging

import pytest

from tests.security.walker import Filler, url_endpoints


def assert_secure_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: {csp}"
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"{where}: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where


@pytest.mark.parametrize("urlconf", ["config.urls_program", "config.urls_platform"])
def test_every_page_has_the_security_headers(db, world, client_for, urlconf):
    program = world.programs["a"] if urlconf.endswith("program") else None
    member = world.users["a_admin"] if program else world.users["operator"]
    filler = Filler({"organizations.program": [str(world.programs["a"].pk)]}, _TOKENS)
    endpoints, _unwalkable = url_endpoints(urlconf, filler)
    clients = [client_for(program, member), client_for(program, None)]
    logging.disable(logging.WARNING)
    checked = 0
    try:
        for client in clients:
            client.raise_request_exception = False
            for ep in endpoints:
                response = client.get(ep.path)
                assert_secure_headers(response, f"GET {ep.path} -> {response.status_code}")
                checked += 1
    finally:
        logging.disable(logging.NOTSET)
    assert checked == 2 * len(endpoints) > 20


_TOKENS = {"uidb64": "MQ", "reset": "set-password", "invitation": "no-such-invitation"}


def test_pages_answered_before_any_view_have_the_headers_too(db, world, client_for):
    from django.test import Client

    assert_secure_headers(Client(HTTP_HOST="nowhere.localhost").get("/"), "unknown host")
    outsider = client_for(world.programs["b"], world.users["a_admin"])
    assert_secure_headers(outsider.get("/api/cases/"), "outsider 404")
    assert_secure_headers(client_for(world.programs["b"], None).get("/"), "sign-in redirect")
