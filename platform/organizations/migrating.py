"""Migrating every program schema in a time that does not grow with the number of programs.

1. Which schemas need anything is read in one query: a fingerprint of each schema's applied
   migrations (`fingerprints`). Schemas whose fingerprint equals the migrated template's are
   skipped; with nothing to migrate, that is all the work per program.
2. Schemas behind it are grouped by fingerprint; for each group Django writes the pending
   migrations' SQL once, on one of its schemas (`collect_sql`, which is how `sqlmigrate`
   works; table names are unqualified, so it is the same for every schema), then each schema
   runs it, records the migrations (and re-grants its role when a table is new) **in one
   transaction**, several schemas at a time on connections of their own. A schema either gets
   everything or nothing, and its record always says which (Django's own executor records a
   migration with deferred SQL, such as an index, only after its DDL has committed).
3. A migration that is Python code or must run outside a transaction runs Django's executor,
   inside one owner transaction per schema, one schema after another.

A schema that fails is rolled back whole and named with the error; the others go on.
"""

import logging
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import get_tenant_base_migrate_command_class
from psycopg import sql

from config import dbroles

logger = logging.getLogger(__name__)
OWNER = "owner"
MIGRATE_LOCK_KEY = 0x4D49_4752  # advisory lock: one migrate_all at a time


@dataclass
class MigrationReport:
    migrated: list = field(default_factory=list)
    skipped: int = 0
    failed: dict = field(default_factory=dict)  # schema -> error


def fingerprints(cursor, schemas):
    """{schema: md5 of its applied migrations} for every schema, in one query."""
    if not schemas:
        return {}
    parts = [
        sql.SQL(
            "SELECT {name}, md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name),"
            " '')) FROM {table}"
        ).format(name=sql.Literal(schema), table=sql.Identifier(schema, "django_migrations"))
        for schema in schemas
    ]
    cursor.execute(sql.SQL(" UNION ALL ").join(parts))
    return dict(cursor.fetchall())


def _applied_to_template():
    """Django's executor on the template schema (owner connection): (executor, plan)."""
    owner = connections[OWNER]
    template = settings.TENANT_BASE_SCHEMA
    # Its own migration table first, or the plan would be read from the public schema's.
    owner.set_schema(template, include_public=False)
    MigrationRecorder(owner).ensure_schema()
    owner.set_schema(template)
    executor = MigrationExecutor(owner)
    targets = executor.loader.graph.leaf_nodes()
    return executor, executor.migration_plan(targets)


def replayable_as_sql(plan):
    """True when every pending migration is plain SQL that can run inside a transaction."""
    return all(
        not backwards
        and migration.atomic
        and all(operation.reduces_to_sql for operation in migration.operations)
        for migration, backwards in plan
    )


def _records(plan):
    """The (app, name) rows Django's recorder writes for the plan (a squash records its parts)."""
    rows = []
    for migration, _backwards in plan:
        if migration.replaces:
            rows += [tuple(key) for key in migration.replaces]
        else:
            rows.append((migration.app_label, migration.name))
    return rows


def owner_params():
    params = connections[OWNER].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return params


def _run_sql_in(conn, schema, statements, records, app_role):
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("SET LOCAL search_path TO {}, public").format(sql.Identifier(schema))
        )
        for statement in statements:
            cursor.execute(statement)
        cursor.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())", records
        )
        cursor.execute("SET LOCAL search_path TO public")
        if app_role is not None:
            dbroles.grant_program(cursor, schema, app_role)


def replay_sql(schemas, statements, records, *, app_role, workers, progress):
    """Run `statements` and record `records` in each schema, one transaction per schema,
    `workers` schemas at a time. Returns {schema: error} for the ones that failed."""
    failed = {}
    if not any("CREATE TABLE" in statement.upper() for statement in statements):
        # Changed tables keep their grants, and default privileges cover new sequences; only a
        # new table may need its append-only revokes (grant_program), so skip the rest.
        app_role = None
    pending = list(schemas)
    lanes = [pending[i::workers] for i in range(workers)]
    params = owner_params()

    def lane(names):
        done, errors = [], {}
        with psycopg.connect(**params, autocommit=True) as conn:
            for schema in names:
                try:
                    _run_sql_in(conn, schema, statements, records, app_role)
                except psycopg.Error as exc:
                    errors[schema] = f"{type(exc).__name__}: {exc}".strip()
                    logger.error("Migrating %s failed: %s", schema, errors[schema])
                else:
                    done.append(schema)
                progress(schema)
        return errors

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(lane, names) for names in lanes if names]):
            failed.update(future.result())
    return failed


def migrate_one_with_django(schema, *, command_options, app_role):
    """Django's executor for one schema, all of it in one owner transaction."""
    owner = connections[OWNER]
    migrate = get_tenant_base_migrate_command_class()
    owner.ensure_connection()  # no connection may be opened inside the atomic block
    with transaction.atomic(using=OWNER):
        owner.set_schema(schema)
        call_command(migrate(), **command_options, database=OWNER, skip_checks=True)
        owner.set_schema_to_public()
        if schema != settings.TENANT_BASE_SCHEMA:  # the template has no role of its own
            with owner.cursor() as cursor:
                dbroles.grant_program(cursor, schema, app_role)
    owner.set_schema_to_public()


class Progress:
    """'migrated 250/1000 programs (12 s)' about every 5 %, and at the end."""

    def __init__(self, total, write):
        self.total, self.write, self.done = total, write, 0
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.step = max(1, total // 20)

    def __call__(self, _schema):
        with self.lock:  # called from several threads
            self.done += 1
            if self.done % self.step == 0 or self.done == self.total:
                took = time.perf_counter() - self.started
                self.write(f"  migrated {self.done}/{self.total} program schemas ({took:.0f} s)")


def _collect_sql(executor, plan):
    """The SQL of a forward plan, as `sqlmigrate` would print it, but starting from the state of
    everything the schema has applied. Django's `loader.collect_sql` starts from the state just
    before the plan's first migration alone (it serves `sqlmigrate`, one migration), which lacks
    the models of other apps: a plan of summaries 0004 then tenants 0010 failed on
    ("tenants", "membertoken")."""
    loader = executor.loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    state = loader.project_state(applied, at_end=True)
    statements = []
    for migration, _backwards in plan:
        with executor.connection.schema_editor(
            collect_sql=True, atomic=migration.atomic
        ) as schema_editor:
            state = migration.apply(state, schema_editor, collect_sql=True)
        statements.extend(schema_editor.collected_sql)
    return statements


def _plan_for(schema):
    """Django's plan for one schema, and its SQL when it can be replayed as SQL (else None)."""
    owner = connections[OWNER]
    owner.set_schema(schema)
    try:
        executor = MigrationExecutor(owner)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        statements = _collect_sql(executor, plan) if replayable_as_sql(plan) else None
    finally:
        owner.set_schema_to_public()
    return plan, statements


def migrate_program_schemas(programs, *, command_options, write, workers):
    """Bring the template and each program schema in `programs` to the latest migrations."""
    report = MigrationReport()
    app_role = connections["default"].settings_dict["USER"]
    owner = connections[OWNER]
    _executor, plan = _applied_to_template()
    template = settings.TENANT_BASE_SCHEMA
    owner.set_schema_to_public()
    if plan:
        # The template first, by Django's own executor: new programs are cloned from it.
        try:
            migrate_one_with_django(template, command_options=command_options, app_role=app_role)
        except Exception as exc:
            logger.exception("Migrating the template schema failed")
            report.failed[template] = f"{type(exc).__name__}: {exc}".strip()
            return report
        finally:
            owner.set_schema_to_public()
    with owner.cursor() as cursor:
        before = fingerprints(cursor, [template, *programs])
    current = before[template]
    report.skipped = sum(1 for schema in programs if before[schema] == current)
    groups = defaultdict(list)  # schemas at the same migrations share one plan and its SQL
    for schema in programs:
        if before[schema] != current:
            groups[before[schema]].append(schema)
    if not groups:
        return report
    progress = Progress(sum(len(members) for members in groups.values()), write)
    for members in groups.values():
        plan, statements = _plan_for(members[0])
        if not plan:
            report.skipped += len(members)
            continue
        if statements is not None:
            write(
                f"  {len(members)} program schemas to migrate, {workers} at a time, "
                f"each in one transaction"
            )
            failed = replay_sql(
                members,
                statements,
                _records(plan),
                app_role=app_role,
                workers=workers,
                progress=progress,
            )
            report.failed.update(failed)
            report.migrated += [schema for schema in members if schema not in failed]
            continue
        for schema in members:
            try:
                migrate_one_with_django(schema, command_options=command_options, app_role=app_role)
            except Exception as exc:
                report.failed[schema] = f"{type(exc).__name__}: {exc}".strip()
                logger.exception("Migrating %s failed", schema)
            else:
                report.migrated.append(schema)
            finally:
                owner.set_schema_to_public()
            progress(schema)
    return report
