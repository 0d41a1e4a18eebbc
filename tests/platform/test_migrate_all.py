"""`migrate_all`: programs already up to date are skipped, a real migration reaches every
program, and a program where it fails is left exactly as it was, recorded as not migrated and
named with the reason, while the others are migrated."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from psycopg import sql

from tests.extra_migration import MIGRATION, extra_workflow_migration


@pytest.fixture
def extra_migration(tmp_path):
    try:
        with extra_workflow_migration(tmp_path):
            yield
    finally:
        _undo()


def _schemas():
    from organizations.models import Program

    return ["program_template", *Program.objects.values_list("schema_name", flat=True)]


def _undo():
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        present = {row[0] for row in cursor.fetchall()}
        for schema in _schemas():
            if schema not in present:
                continue
            # One statement per call: a Citus coordinator refuses several in one command.
            for statement in (
                "SET search_path TO {schema}",
                "ALTER TABLE workflow_case DROP COLUMN IF EXISTS test_note",
                "DROP INDEX IF EXISTS case_test_note_idx",
                "DELETE FROM django_migrations WHERE name = {migration}",
                "SET search_path TO public",
            ):
                cursor.execute(
                    sql.SQL(statement).format(
                        schema=sql.Identifier(schema), migration=sql.Literal(MIGRATION)
                    )
                )


def _state(schema):
    """(has the column, has the index, migration recorded) in that schema."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = %s"
            " AND table_name = 'workflow_case' AND column_name = 'test_note'),"
            " EXISTS(SELECT 1 FROM pg_indexes WHERE schemaname = %s"
            " AND indexname = 'case_test_note_idx')",
            [schema, schema],
        )
        column, index = cursor.fetchone()
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE name = %s").format(
                sql.Identifier(schema, "django_migrations")
            ),
            [MIGRATION],
        )
        return column, index, cursor.fetchone()[0] == 1


def test_nothing_to_migrate_skips_every_program(db, world):
    out = io.StringIO()
    call_command("migrate_all", stdout=out, verbosity=1)
    assert "0 migrated" in out.getvalue() and "0 failed" in out.getvalue()


def test_a_real_migration_reaches_every_program_and_a_failure_leaves_one_untouched(
    db, world, extra_migration
):
    program_a, program_b = world.programs["a"], world.programs["b"]
    # Program B already has an index of that name: the migration's deferred CREATE INDEX
    # fails there, after its ADD COLUMN has run.
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            f'CREATE INDEX case_test_note_idx ON "{program_b.schema_name}".workflow_case (id)'
        )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("migrate_all", stdout=out, stderr=err, verbosity=1, workers=2)
    assert program_b.schema_name in str(failed.value)
    assert program_a.schema_name not in str(failed.value)
    assert f"{program_b.schema_name}: not migrated" in err.getvalue()
    assert "already exists" in err.getvalue()
    assert "migrated 1/2 program schemas" in out.getvalue() or "2/2" in out.getvalue()
    assert _state("program_template") == (True, True, True)
    assert _state(program_a.schema_name) == (True, True, True)
    # Untouched: no column, only the index it had, and no record of the migration.
    assert _state(program_b.schema_name) == (False, True, False)

    # Once the cause is gone, running it again migrates that program only.
    with connections["owner"].cursor() as cursor:
        cursor.execute(f'DROP INDEX "{program_b.schema_name}".case_test_note_idx')
    out = io.StringIO()
    call_command("migrate_all", stdout=out, verbosity=1)
    assert "1 migrated" in out.getvalue()
    assert _state(program_b.schema_name) == (True, True, True)
    # The program's role may use the new column (it was granted again with the migration).
    from config import dbroles

    with connections["owner"].cursor() as cursor:
        role = dbroles.role_for_schema(cursor.connection.info.dbname, program_b.schema_name)
        cursor.execute(
            "SELECT has_column_privilege(%s, %s, 'test_note', 'SELECT,UPDATE')",
            [role, f"{program_b.schema_name}.workflow_case"],
        )
        assert cursor.fetchone() == (True,)


def test_a_program_behind_in_two_apps_is_migrated(db, world):
    """A deploy that brings migrations of two apps at once (say summaries, then tenants): the
    SQL of the second must be written from the state of everything applied, not only from the
    first migration's ancestors (it failed with KeyError ('tenants', 'membertoken'))."""
    from django.db.migrations.executor import MigrationExecutor

    schema = world.programs["a"].schema_name
    owner = connections["owner"]
    owner.set_schema(schema)
    try:
        executor = MigrationExecutor(owner)
        graph = executor.loader.graph
        (tenants_leaf,) = graph.leaf_nodes("tenants")
        (summaries_leaf,) = graph.leaf_nodes("summaries")
        (tenants_before,) = graph.node_map[tenants_leaf].parents & {
            graph.node_map[key] for key in graph.nodes if key[0] == "tenants"
        }
        executor.migrate([tenants_before.key])  # undo the newest tenants migration's tables
        with owner.cursor() as cursor:  # summaries' tables live in public: only the record
            cursor.execute(
                "DELETE FROM django_migrations WHERE app = %s AND name = %s", list(summaries_leaf)
            )
    finally:
        owner.set_schema_to_public()

    out = io.StringIO()
    call_command("migrate_all", stdout=out, verbosity=1)
    assert "1 migrated" in out.getvalue() and "0 failed" in out.getvalue(), out.getvalue()
    owner.set_schema(schema)
    try:
        executor = MigrationExecutor(owner)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    finally:
        owner.set_schema_to_public()
