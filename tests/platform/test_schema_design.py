"""The schema stays fit for Citus schema-based sharding (infra/SCALING.md), checked on plain
PostgreSQL because CI has no Citus:

- every CHECK constraint of the project's tables has the name a model gives it (Citus refuses an
  unnamed constraint in ALTER TABLE, e.g. the inline CHECK of a Positive*Field's AddField);
- each RunSQL item is one statement (Citus forwards an item to the shards as one command);
- trigger functions reach other tables as TG_TABLE_SCHEMA.<table> (on a worker the session's
  search_path does not hold the program's schema) and never compare TG_TABLE_NAME (a shard's
  table is called ``workflow_decision_102070``).

Each rule's detector is also shown to catch a bad example, so the rules cannot pass vacuously."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections, migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import CheckConstraint

PROJECT_APPS = (
    "organizations",
    "accounts",
    "notifications",
    "summaries",
    "outbox",
    "tenants",
    "workflow",
)


def declared_check_names():
    """{table: names of the CHECK constraints its model declares}, for the project's models."""
    declared = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            declared.setdefault(model._meta.db_table, set()).update(
                constraint.name
                for constraint in model._meta.constraints
                if isinstance(constraint, CheckConstraint)
            )
    return declared


def undeclared_checks(cursor, schema, declared):
    """CHECK constraints in `schema`, on the tables in `declared`, whose name no model gives."""
    cursor.execute(
        "SELECT c.relname, con.conname FROM pg_constraint con"
        " JOIN pg_class c ON c.oid = con.conrelid"
        " WHERE con.contype = 'c' AND c.relnamespace = to_regnamespace(%s)",
        [schema],
    )
    return sorted(
        (table, name)
        for table, name in cursor.fetchall()
        if table in declared and name not in declared[table]
    )


_QUOTED = re.compile(
    r"\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$"  # dollar-quoted bodies
    r"|'(?:[^']|'')*'"  # string literals
    r'|"(?:[^"]|"")*"'  # quoted identifiers
    r"|--[^\n]*"  # line comments
    r"|/\*.*?\*/",  # block comments
    re.DOTALL,
)


def statement_count(sql):
    """How many statements `sql` holds (semicolons outside quotes, comments and bodies)."""
    bare = _QUOTED.sub(" ", sql)
    return len([part for part in bare.split(";") if part.strip()])


def run_sql_items(operation):
    """The SQL texts a RunSQL runs, forwards and backwards, one per item."""
    for sqls in (operation.sql, operation.reverse_sql):
        if sqls is None or sqls == migrations.RunSQL.noop:
            continue
        for item in [sqls] if isinstance(sqls, str) else sqls:
            yield item[0] if isinstance(item, (list, tuple)) else item


def project_run_sql():
    """(migration, RunSQL) for every RunSQL in the project's migrations, nested ones too."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (label, name), migration in sorted(loader.disk_migrations.items()):
        if label not in PROJECT_APPS:
            continue
        pending = list(migration.operations)
        while pending:
            operation = pending.pop()
            if isinstance(operation, migrations.SeparateDatabaseAndState):
                pending.extend(operation.database_operations)
            elif isinstance(operation, migrations.RunSQL):
                yield f"{label}.{name}", operation


def unqualified_names(source, names):
    """Names from `names` that `source` uses without a schema in front (``x.name``)."""
    return sorted(
        name for name in names if re.search(rf"(?<![\w.$]){re.escape(name)}(?![\w$])", source)
    )


def compares_table_name(source):
    return bool(re.search(r"TG_TABLE_NAME\s*(=|<>|!=|IN\b)|(=|<>|!=)\s*TG_TABLE_NAME", source))


@pytest.fixture
def owner_cursor(db):
    with connections["owner"].cursor() as cursor:
        yield cursor


def program_schemas(cursor):
    cursor.execute("SELECT schema_name FROM public.organizations_program ORDER BY schema_name")
    return [settings.TENANT_BASE_SCHEMA, *(name for (name,) in cursor.fetchall())]


def test_every_check_constraint_has_the_name_its_model_gives(owner_cursor, world):
    declared = declared_check_names()
    assert "workflow_purgerecord" in declared and "tenants_policyversion" in declared
    # Tables of third-party apps (axes, otp, admin) are left out: they stay in the public
    # schema, on the coordinator, where Citus asks nothing of them.
    for schema in ["public", *program_schemas(owner_cursor)]:
        assert undeclared_checks(owner_cursor, schema, declared) == [], schema


def test_the_check_detector_finds_an_unnamed_constraint(owner_cursor):
    owner_cursor.execute("CREATE SCHEMA design_probe")
    try:
        owner_cursor.execute(
            "CREATE TABLE design_probe.workflow_purgerecord (n integer CHECK (n >= 0),"
            " m integer CONSTRAINT purge_record_counts_not_negative CHECK (m >= 0))"
        )
        found = undeclared_checks(owner_cursor, "design_probe", declared_check_names())
        assert found == [("workflow_purgerecord", "workflow_purgerecord_n_check")]
    finally:
        owner_cursor.execute("DROP SCHEMA design_probe CASCADE")


def test_each_run_sql_item_is_one_statement():
    found = list(project_run_sql())
    assert any(label == "workflow.0002_database_guards" for label, _op in found)
    several = [
        (label, item.strip()[:60])
        for label, operation in found
        for item in run_sql_items(operation)
        if statement_count(item) != 1
    ]
    assert several == []


def test_the_statement_counter_sees_through_bodies_and_strings():
    body = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN x; y; END $$;"
    assert statement_count(body) == 1
    assert statement_count("UPDATE t SET a = 'x; y' WHERE b = 1") == 1
    assert statement_count("CREATE TRIGGER a ...; CREATE TRIGGER b ...;") == 2


def test_trigger_functions_reach_tables_through_their_schema(owner_cursor, world):
    for schema in program_schemas(owner_cursor):
        owner_cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(%s)"
            " AND relkind IN ('r', 'p', 'v')",
            [schema],
        )
        tables = [name for (name,) in owner_cursor.fetchall()]
        owner_cursor.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = to_regnamespace(%s)", [schema]
        )
        functions = [name for (name,) in owner_cursor.fetchall()]
        owner_cursor.execute(
            "SELECT DISTINCT p.proname, p.prosrc FROM pg_trigger t"
            " JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(%s)",
            [schema],
        )
        bodies = owner_cursor.fetchall()
        assert {"refuse_record_change", "refuse_party_as_official"} <= {n for n, _ in bodies}
        for name, source in bodies:
            assert unqualified_names(source, tables + functions) == [], (schema, name)
            assert not compares_table_name(source), (schema, name)


def test_the_trigger_detectors_find_bare_names_and_table_name_tests():
    source = "IF TG_TABLE_NAME = 'workflow_appeal' THEN SELECT 1 FROM workflow_decision;"
    assert unqualified_names(source, ["workflow_decision", "workflow_case"]) == [
        "workflow_decision"
    ]
    assert unqualified_names("FROM %I.workflow_decision", ["workflow_decision"]) == []
    assert compares_table_name(source)
    assert not compares_table_name("RAISE EXCEPTION '% on %', TG_OP, TG_TABLE_NAME")
