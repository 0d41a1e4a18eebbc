"""Staff pages: a client per role on program A's site, and cases built with the services."""

import pytest
from django.db import connection


@pytest.fixture
def site(client_for, program_a, users, in_a):
    """site("a_staff") -> a signed-in client on program A's host. After each request the test
    is back in program A's schema (the request ends on the public schema), so a test can mix
    page requests with service calls."""

    def make(key, program=None):
        client = client_for(program or program_a, users[key])
        request = client.request

        def request_then_back(**kwargs):
            tenant = connection.tenant
            try:
                return request(**kwargs)
            finally:
                connection.set_tenant(tenant)

        client.request = request_then_back
        return client

    return make
