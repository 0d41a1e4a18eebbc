from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from organizations.models import Program


def _tables(schema):
    # As the owner: the app role sees only the active program's schema.
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def _applied(schema):
    with connections["owner"].cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def test_cloned_program_has_every_tenant_table_and_migration(db, program_a, settings):
    template = settings.TENANT_BASE_SCHEMA
    assert _tables(program_a.schema_name) == _tables(template)
    assert "tenants_participant" in _tables(program_a.schema_name)
    loader = MigrationLoader(connection)
    expected = {key for key in loader.disk_migrations if key[0] in {"tenants"}}
    assert expected
    assert expected <= _applied(program_a.schema_name)
    assert _applied(program_a.schema_name) == _applied(template)


def test_programs_do_not_share_rows(db, program_a, program_b, in_program):
    from tenants.models import Participant

    with in_program(program_a):
        Participant.objects.create(code="A-1", alias="Sunny")
    with in_program(program_b):
        assert not Participant.objects.filter(code="A-1").exists()
    with in_program(program_a):
        assert Participant.objects.filter(code="A-1").exists()


def test_program_status_is_ready_after_clone(db, world):
    assert set(Program.objects.values_list("status", flat=True)) == {"ready"}


def _schemas(prefix):
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [prefix])
        return {row[0] for row in cursor.fetchall()}


def test_a_new_program_takes_a_current_spare_schema_never_a_stale_one(committed, world, settings):
    """Cloning slows as the catalog grows, so a program is made from a spare clone made
    earlier (renamed, which costs the same at any size). A spare from an older template is
    never used, and is replaced."""
    from organizations.models import ProgramStatus
    from organizations.schemas import SPARE_PREFIX, replenish_spare_schemas
    from organizations.services import provision_program
    from tests.platform.conftest import drop_program

    replenish_spare_schemas()
    (spare,) = _schemas(SPARE_PREFIX)
    stale = f"{SPARE_PREFIX}stale"
    with connections["owner"].cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{stale}"')
        cursor.execute(f'CREATE TABLE "{stale}".django_migrations (app text, name text)')
    program = Program.objects.create(
        name="From a spare",
        slug="from-a-spare",
        program_type="drop_in",
        health_department=world.departments["d1"],
    )
    try:
        program = provision_program(program_id=program.pk)
        assert program.status == ProgramStatus.READY, program.failure_reason
        assert _schemas(SPARE_PREFIX) == {stale}  # the current spare became the program
        assert _tables(program.schema_name) == _tables(settings.TENANT_BASE_SCHEMA)
        assert _applied(program.schema_name) == _applied(settings.TENANT_BASE_SCHEMA)
        # With no current spare left, the next program is cloned, as before.
        replenish_spare_schemas()
        spares = _schemas(SPARE_PREFIX)
        assert stale not in spares and len(spares) == 1 and spare not in spares
    finally:
        drop_program(program.pk)
