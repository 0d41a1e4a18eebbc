"""Program schemas are made and dropped on the owner connection: the app role owns nothing and
may not run DDL. Each function runs in one owner transaction, so a failure leaves nothing.

Spare schemas: cloning the template (django-tenants' `clone_schema`) reads the catalog, which
grows with every program, so it slows as a database fills (about 0.3 s on a fresh database,
1.7 s with a thousand schemas). A new program therefore takes a spare clone made earlier, by
renaming it, which costs the same however many schemas exist; the provisioning job makes the
next spare after the program is ready, and `migrate_all` replaces spares whenever the template
changes. With no current spare, provisioning clones as before."""

import logging
import secrets

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from django_tenants.utils import quote_schema_name
from psycopg import sql

from config import dbroles

logger = logging.getLogger(__name__)
OWNER = "owner"
# Program schema names start with a letter (they come from addresses): no program is "_spare_".
SPARE_PREFIX = "_spare_"
SPARES_KEPT = 1
SPARE_LOCK_KEY = 0x5350_4152  # advisory lock: one replenisher at a time


def app_role():
    return connections["default"].settings_dict["USER"]


def build_schemas_locally(cursor):
    """Inside a transaction, on the owner connection: on a Citus coordinator, schemas and tables
    made in the rest of the transaction stay plain local ones, for `distribute_schema` to
    distribute once they are complete. Returns whether the database is a Citus coordinator
    (without Citus it does nothing)."""
    citus = dbroles.citus_installed(cursor)
    if citus:
        cursor.execute("SET LOCAL citus.enable_schema_based_sharding = off")
    return citus


def distribute_schema(cursor, schema_name):
    """Make a complete local schema a Citus distributed schema: its tables one shard group on a
    worker, which `citus_schema_move` can move (only after `build_schemas_locally` said Citus).
    Pending foreign-key checks run first: on a worker they would be out of reach."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SELECT citus_schema_distribute(%s)", [schema_name])


def _clone_template(cursor, schema_name):
    """Inside a transaction. On a Citus coordinator the clone becomes a distributed schema:
    Citus only distributes a top-level CREATE TABLE, and `clone_schema` creates the tables
    inside a function, so the clone is made as a plain schema first and then distributed
    whole."""
    citus = build_schemas_locally(cursor)
    cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=connections[OWNER].settings_dict["USER"]))
    cursor.execute(
        "SELECT clone_schema(%s, %s, 'DATA')", [settings.TENANT_BASE_SCHEMA, schema_name]
    )
    if citus:
        distribute_schema(cursor, schema_name)


def _spares(cursor):
    """(current, stale): spare schemas whose applied migrations match the template's, and the
    others."""
    cursor.execute(
        "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname",
        [SPARE_PREFIX],
    )
    current, stale = [], []
    same = sql.SQL(
        "SELECT (SELECT array_agg(app || '.' || name ORDER BY app, name) FROM {}.django_migrations)"
        " IS NOT DISTINCT FROM"
        " (SELECT array_agg(app || '.' || name ORDER BY app, name) FROM {}.django_migrations)"
    )
    for (name,) in cursor.fetchall():
        cursor.execute(
            same.format(sql.Identifier(name), sql.Identifier(settings.TENANT_BASE_SCHEMA))
        )
        (current if cursor.fetchone()[0] else stale).append(name)
    return current, stale


def _take_spare(cursor, schema_name):
    """Rename a current spare to `schema_name`; False if there is none (or another worker took
    it first: its rename waits for theirs, then fails, and only that savepoint is undone)."""
    try:
        with transaction.atomic(using=OWNER):
            current, _stale = _spares(cursor)
    except DatabaseError:
        logger.exception("Could not look for a spare schema; cloning instead")
        return False
    for spare in current:
        try:
            with transaction.atomic(using=OWNER):
                cursor.execute(
                    f"ALTER SCHEMA {quote_schema_name(spare)}"
                    f" RENAME TO {quote_schema_name(schema_name)}"
                )
            return True
        except DatabaseError:
            continue
    return False


def create_program_schema(schema_name):
    """Make `schema_name` from a spare clone of the migrated template, or clone the template now
    (replacing a stray schema of that name), mark its migrations applied, and create and grant
    the program's role."""
    owner = connections[OWNER]
    owner.ensure_connection()  # no connection may be opened inside the atomic block
    with transaction.atomic(using=OWNER):
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")
            if not _take_spare(cursor, schema_name):
                _clone_template(cursor, schema_name)
        call_command(
            "migrate_schemas",
            tenant=True,
            fake=True,
            schema_name=schema_name,
            database=OWNER,
            interactive=False,
            verbosity=0,
        )
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            dbroles.grant_program(cursor, schema_name, app_role())
    owner.set_schema_to_public()


def drop_program_schema(schema_name):
    """Drop the schema and the program's role; nothing of the program is left in the database
    (its row in the public schema stays, marked by the caller)."""
    owner = connections[OWNER]
    with transaction.atomic(using=OWNER):
        owner.set_schema_to_public()
        with owner.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")
            dbroles.drop_program_role(cursor, schema_name)


def replenish_spare_schemas(*, keep=SPARES_KEPT):
    """Drop stale spares and clone the template until `keep` current ones exist. One worker at a
    time (an advisory lock); returns how many were made."""
    owner = connections[OWNER]
    owner.set_schema_to_public()
    with owner.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SPARE_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
        try:
            current, stale = _spares(cursor)
            for name in stale:
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(name)} CASCADE")
            made = 0
            for _ in range(keep - len(current)):
                with transaction.atomic(using=OWNER):
                    _clone_template(cursor, f"{SPARE_PREFIX}{secrets.token_hex(6)}")
                made += 1
            return made
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SPARE_LOCK_KEY])
