"""A program of its own, committed (the server processes must see it), with one staff member
who can sign in and an open case under investigation; and an S3 server for the module."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.conftest import PASSWORD
from tests.production.stack import SeaweedS3


@dataclass
class StackWorld:
    program: object
    staff: object
    case_id: int  # under investigation: evidence may be attached
    reported_case_id: int  # not acknowledged yet: its acknowledgement reminder is sent
    database_url: str
    owner_url: str


@pytest.fixture(scope="module")
def stack_world(django_db_setup, django_db_blocker):
    from django.conf import settings
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from accounts.models import Membership, Role, User
    from organizations.models import Domain, HealthDepartment, Program, ProgramType
    from organizations.services import program_host, provision_program
    from tenants.policy import current_policy
    from tests.platform.conftest import drop_program
    from workflow.models import Case

    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:6]
        department = HealthDepartment.objects.create(name=f"Stack department {tag}")
        slug = f"stack-{tag}"
        program = Program.objects.create(
            name=f"Stack {tag}",
            slug=slug,
            program_type=ProgramType.DROP_IN,
            health_department=department,
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        program = provision_program(program_id=program.pk)
        assert program.status == "ready", program.failure_reason
        # Hashed as production hashes (the test settings use a fast hasher production refuses).
        argon2 = Argon2PasswordHasher()
        staff = User.objects.create_user(email=f"staff-{slug}@example.test")
        staff.password = argon2.encode(PASSWORD, argon2.salt())
        staff.save(update_fields=["password"])
        Membership.objects.create(user=staff, role=Role.PROGRAM_STAFF, program=program)
        now = timezone.now()
        with tenant_context(program):
            case, reported = (
                Case.objects.create(
                    kind="incident",
                    state=state,
                    occurred_at=now - timedelta(hours=2),
                    reported_at=now - timedelta(hours=1),
                    narrative="Shouting at the door.",
                    categories=["other"],
                    severity="low",
                    policy_version=current_policy(),
                    acknowledgement_due_at=now,
                    response_due_at=now + timedelta(days=5),
                    owner=staff,
                )
                for state in ("investigating", "reported")
            )
        connection.set_schema_to_public()
        name = connection.settings_dict["NAME"]
        try:
            yield StackWorld(
                program=program,
                staff=staff,
                case_id=case.pk,
                reported_case_id=reported.pk,
                database_url=f"{settings.DATABASE_URL.rpartition('/')[0]}/{name}",
                owner_url=f"{settings.DATABASE_OWNER_URL.rpartition('/')[0]}/{name}",
            )
        finally:
            from notifications.models import Notification, Reminder

            connection.set_schema_to_public()
            Notification.objects.filter(program=program).delete()
            Reminder.objects.filter(program=program).delete()
            drop_program(program.pk)
            department.delete()


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("s3")).start()
    try:
        yield server
    finally:
        server.stop()
