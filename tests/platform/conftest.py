"""Helpers for platform tests that need committed data (a real Dramatiq worker runs on its own
threads and database connections, so rows inside a test transaction would be invisible to it).

`committed` opens the database without the per-test transaction; whatever a test creates there
it must remove itself (`drop_program`), because the session world is shared by every test."""

import contextlib
import re

import dramatiq
import pytest
from django.db import connection

from config.broker import broker as real_broker


@pytest.fixture
def committed(world, django_db_blocker):
    """Autocommit database access for this test (and its worker threads)."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def drop_program(program_id):
    """Remove a program made by a test: its schema, invitations, memberships, domains, row."""
    from accounts.models import Membership, User
    from organizations.models import Domain, Invitation, Program

    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return
    from organizations.schemas import drop_program_schema

    connection.set_schema_to_public()
    drop_program_schema(program.schema_name)
    member_ids = list(Membership.objects.filter(program=program).values_list("user_id", flat=True))
    Invitation.objects.filter(program=program).delete()
    Membership.objects.filter(program=program).delete()
    # Users who joined only this program go with it.
    User.objects.filter(pk__in=member_ids, memberships__isnull=True).delete()
    Domain.objects.filter(tenant=program).delete()
    Program.objects.filter(pk=program.pk).delete()


@contextlib.contextmanager
def running_worker(*queues):
    """A real Dramatiq worker, in this process, on the real Redis broker, consuming `queues`."""
    worker = dramatiq.Worker(real_broker, queues=set(queues), worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def link_in(message):
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)
