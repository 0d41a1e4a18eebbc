"""Shared test set-up: real PostgreSQL and Redis (found or started like `make run`), and a small
world of organizations and two provisioned programs, created once per test session."""

from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    providers: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    programs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def _build_world():
    from accounts.models import Membership, Role, User
    from organizations.models import Domain, HealthDepartment, Program, ProgramType, TAProvider
    from organizations.services import program_host, provision_program

    world = World()
    for key in ("x", "y"):
        world.providers[key] = TAProvider.objects.create(name=f"Provider {key.upper()}")
    for key, provider in (("d1", "x"), ("d2", "y")):
        department = HealthDepartment.objects.create(name=f"Department {key.upper()}")
        department.providers.add(world.providers[provider])
        world.departments[key] = department
    for key, slug, dept in (("a", "prog-a", "d1"), ("b", "prog-b", "d2")):
        program = Program.objects.create(
            name=f"Program {key.upper()}", slug=slug, program_type=ProgramType.DROP_IN,
            health_department=world.departments[dept],
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        world.programs[key] = provision_program(program_id=program.pk)
        assert world.programs[key].status == "ready", world.programs[key].failure_reason

    def user(key, role, **scope):
        u = User.objects.create_user(email=f"{key}@example.test", password=PASSWORD)
        Membership.objects.create(user=u, role=role, **scope)
        world.users[key] = u

    user("operator", Role.PLATFORM_OPERATOR)
    user("hd1", Role.HEALTH_DEPARTMENT_ADMIN, health_department=world.departments["d1"])
    user("hd2", Role.HEALTH_DEPARTMENT_ADMIN, health_department=world.departments["d2"])
    user("ta_x", Role.TA_STAFF, provider=world.providers["x"])
    user("ta_y", Role.TA_STAFF, provider=world.providers["y"])
    user("a_admin", Role.PROGRAM_ADMIN, program=world.programs["a"])
    user("a_lead", Role.PROGRAM_LEAD, program=world.programs["a"])
    user("a_staff", Role.PROGRAM_STAFF, program=world.programs["a"])
    user("a_staff2", Role.PROGRAM_STAFF, program=world.programs["a"])
    user("b_admin", Role.PROGRAM_ADMIN, program=world.programs["b"])
    user("b_staff", Role.PROGRAM_STAFF, program=world.programs["b"])
    return world


_WORLD = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("migrate_all", verbosity=0, interactive=False)
        _WORLD["world"] = _build_world()
    yield


@pytest.fixture(scope="session")
def world(django_db_setup):
    return _WORLD["world"]


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def program_a(world):
    return world.programs["a"]


@pytest.fixture
def program_b(world):
    return world.programs["b"]


def host_of(program):
    return f"{program.slug}.localhost"


@pytest.fixture
def client_for():
    """client_for(program_or_None, user_or_None): a browser-like client on that site."""

    def make(program=None, user=None):
        client = Client(HTTP_HOST=host_of(program) if program else "localhost")
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def in_program():
    """Run ORM code inside a program's schema: `with in_program(program): ...`."""
    from django_tenants.utils import tenant_context

    return tenant_context
