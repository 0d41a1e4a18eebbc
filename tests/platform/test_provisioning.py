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
