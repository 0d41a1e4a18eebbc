"""Shared helpers: a committed program of the test's own, and a case in the active program,
made through the services."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone


@contextmanager
def committed_program(world, slug, name, roles):
    """A provisioned program whose rows are committed (retiring, purging and restoring run on
    the owner connection, which does not see a test's transaction), with the world's users
    `roles` ({key: role}) as members. Removed afterwards, its schema too unless it was retired.
    Run it with the database unblocked."""
    from accounts.models import Membership
    from organizations.models import Domain, Program, ProgramType
    from organizations.schemas import drop_program_schema
    from organizations.services import program_host, provision_program

    program = Program.objects.create(
        name=name,
        slug=slug,
        program_type=ProgramType.DROP_IN,
        health_department=world.departments["d1"],
    )
    Domain.objects.create(domain=program_host(slug), tenant=program)
    program = provision_program(program_id=program.pk)
    assert program.status == "ready", program.failure_reason
    for key, role in roles.items():
        Membership.objects.create(user=world.users[key], program=program, role=role)
    try:
        yield program
    finally:
        connection.set_schema_to_public()
        program = Program.objects.get(pk=program.pk)
        if program.status != "retired":
            drop_program_schema(program.schema_name)
        Membership.objects.filter(program=program).delete()
        Domain.objects.filter(tenant=program).delete()
        Program.objects.filter(pk=program.pk).delete()


def make_case(users, *, codes=("R-1", "S-1"), staff="a_staff", lead="a_lead", inv="a_staff2"):
    """A reported, acknowledged case under investigation with one evidence file."""
    from tenants.models import Participant
    from workflow import services
    from workflow.models import PartyRole

    harmed, other = (Participant.objects.get_or_create(code=code)[0] for code in codes)
    case = services.report_case(
        actor=users[staff],
        kind="incident",
        occurred_at=timezone.now() - timedelta(hours=2),
        narrative="Shouting match by the supply table.",
        categories=["threat"],
        severity="low",
        parties=[
            {"role": PartyRole.HARMED_PERSON, "participant": harmed},
            {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": other},
        ],
    )
    services.acknowledge_case(actor=users[staff], case=case)
    services.start_investigation(actor=users[lead], case=case, investigator=users[inv])
    services.attach_evidence(
        actor=users[staff],
        case=case,
        uploaded_file=SimpleUploadedFile("photo.txt", b"evidence bytes", "text/plain"),
    )
    return case


@pytest.fixture
def users(world):
    return world.users
