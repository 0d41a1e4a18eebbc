"""Helpers for the program pages: clients on a program's site from their own client address
(each test gets fresh rate-limit counters), and running ORM code in program A's schema."""

import itertools

import pytest
from django.test import Client

from tests.conftest import host_of

_addresses = (f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in itertools.count(1))


@pytest.fixture
def public_client(db):
    """public_client(program) -> a signed-out browser on that program's site."""

    def make(program, address=None):
        return Client(HTTP_HOST=host_of(program), REMOTE_ADDR=address or next(_addresses))

    return make


@pytest.fixture
def in_a(db, program_a, in_program):
    with in_program(program_a):
        yield program_a
