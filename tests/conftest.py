"""Shared test set-up: real PostgreSQL and Redis (found or started like `make run`), and a small
world of organizations and two provisioned programs, created once per test session."""

from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase

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
            name=f"Program {key.upper()}",
            slug=slug,
            program_type=ProgramType.DROP_IN,
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


def _enter_atomics_but_not_the_owners(cls):
    """Django's per-test transaction, on every allowed connection except the owner's: a schema
    the owner makes (provisioning) must be visible to the app connection at once, as in
    production. `_drop_schemas_left_by_the_test` removes what a test leaves behind."""
    atomics = {}
    for db_name in cls._databases_names():
        if db_name == "owner":
            continue
        atomic = transaction.atomic(using=db_name)
        atomic._from_testcase = True
        atomic.__enter__()
        atomics[db_name] = atomic
    return atomics


def _rollback_atomics_but_not_the_owners(cls, atomics):
    for db_name in reversed(list(atomics)):
        transaction.set_rollback(True, using=db_name)
        atomics[db_name].__exit__(None, None, None)


def _schema_of_host(host):
    """The site a test client talks to: public for the platform, else its program's schema."""
    from django.conf import settings

    from organizations.models import Domain

    hostname = host.split(":")[0].lower()
    if hostname in settings.PLATFORM_HOSTS:
        return "public"
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant.schema_name if domain else ""


_django_force_login = Client.force_login


def _force_login_on_the_clients_site(self, user, backend=None):
    """Like a sign-in on the client's own site: the session belongs to that site
    (accounts.site_sessions), as a real sign-in there would leave it."""
    from accounts.site_sessions import bind_session_to_site

    _django_force_login(self, user, backend)
    session = self.session
    bind_session_to_site(session, _schema_of_host(self.defaults.get("HTTP_HOST", "testserver")))
    session.save()


Client.force_login = _force_login_on_the_clients_site
TestCase._enter_atomics = classmethod(_enter_atomics_but_not_the_owners)
TestCase._rollback_atomics = classmethod(_rollback_atomics_but_not_the_owners)


def pytest_collection_modifyitems(items):
    """Tests on the per-test transaction may use the owner connection too (provisioning,
    retiring and purging run there); it autocommits."""
    for item in items:
        if "db" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db(databases=["default", "owner"]))


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """Always create the test database, even when no collected test asks for `db` (pytest-django
    would then skip it, and session set-up would run on the development database).

    It is created and migrated by the owner role; the app role ("default") only uses it."""
    from django.conf import settings
    from django.db import connections

    verbosity = request.config.option.verbose
    owner = connections["owner"]
    with django_db_blocker.unblock():
        name = owner.creation._create_test_db(verbosity, autoclobber=True, keepdb=False)
        assert name.startswith("test_"), f"refusing to build test data in database {name!r}"
        for alias in ("default", "owner"):
            connections[alias].close()
            settings.DATABASES[alias]["NAME"] = name
            connections[alias].settings_dict["NAME"] = name
        call_command("migrate_all", verbosity=0, interactive=False)
        _WORLD["world"] = _build_world()
    yield
    with django_db_blocker.unblock():
        # Worker and live-server threads may still hold connections; the database must go.
        connection.close()
        with owner.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                # Not a superuser's (a Citus coordinator's own background workers).
                " AND NOT (SELECT rolsuper FROM pg_roles WHERE oid = usesysid)"
            )
        owner.close()
        owner.creation._destroy_test_db(name, verbosity)
        from config import dbroles

        with owner._nodb_cursor() as cursor:
            dbroles.drop_database_roles(cursor, name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Provisioning commits on the owner connection, while a test's program row is rolled
    back: drop the schemas (and roles) a test left without a program. Runs after every fixture
    is torn down, so the test's transaction has released its locks; on a plain connection of
    its own, so nothing here waits on Django's test set-up."""
    yield
    # After the last test the whole database is already gone.
    if nextitem is None or "db" not in getattr(item, "fixturenames", ()) or "world" not in _WORLD:
        return
    import psycopg
    from django.conf import settings
    from django.db import connections
    from psycopg import sql

    from config import dbroles

    params = connections["owner"].get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%'"
            " AND nspname NOT IN ('public', 'information_schema', %s)"
            " AND nspname NOT IN (SELECT schema_name FROM public.organizations_program)"
            # Only what the owner made: an extension's schemas (Citus's) stay.
            " AND nspowner = current_user::regrole",
            [settings.TENANT_BASE_SCHEMA],
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            dbroles.drop_program_role(cursor, schema)


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


def verify_second_factor(client, user):
    """Mark the client's session as having passed two-factor sign-in (a confirmed TOTP device
    is created for the user if they have none), as if they had entered a valid code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def operator_admin(world, client_for, db):
    """The operator on the admin site, as the demo's operator (a staff superuser account); the
    shared user object is put back afterwards (the database change is rolled back)."""
    operator = world.users["operator"]
    before = operator.is_staff, operator.is_superuser
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    yield client_for(None, operator)
    operator.is_staff, operator.is_superuser = before


@pytest.fixture
def client_for():
    """client_for(program_or_None, user_or_None, verified=True): a browser-like client on that
    site, signed in (and past two-factor sign-in unless verified=False)."""

    def make(program=None, user=None, verified=True):
        client = Client(HTTP_HOST=host_of(program) if program else "localhost")
        if user is not None:
            client.force_login(user)
            if verified:
                verify_second_factor(client, user)
        return client

    return make


@pytest.fixture
def in_program():
    """Run ORM code inside a program's schema: `with in_program(program): ...`."""
    from django_tenants.utils import tenant_context

    return tenant_context
