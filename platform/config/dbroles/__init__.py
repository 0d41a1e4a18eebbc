"""PostgreSQL roles that keep one program's data away from another's, at the privilege level.

- The owner role (``DATABASES["owner"]``) owns every table and runs migrations and provisioning.
- The app role (``DATABASES["default"]``, NOINHERIT) owns nothing and, by itself, can read no
  table. Each query runs under a role chosen from the active schema (``base.DatabaseWrapper``):
  on the public schema the database's *shared* role (public tables only); inside a program the
  program's own role (its schema and the public tables, nothing else). So raw SQL naming
  another program's schema is refused by PostgreSQL, not only by the ORM.
- Timeline events, policy versions, low-level responses, case-read logs and the supply log of
  bans are append-only: no role but the owner holds UPDATE, DELETE or TRUNCATE on them (for the
  first three, triggers refuse it as well).

Role names are cluster-wide but schemas are per database, so each name carries a short tag of
the database name: ``hr<tag>_shared`` and ``hr<tag>_<schema>``.

Used by the owner connection only, except ``role_for_schema`` (the app backend needs names).
"""

import hashlib

from psycopg import sql

APPEND_ONLY_TABLES = (
    "workflow_caseevent",
    "tenants_policyversion",
    "workflow_lowlevelresponse",
    "workflow_caseread",
    "workflow_purgerecord",
    # The supply log is the proof that a banned person kept getting supplies.
    "workflow_supplycontact",
)
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def database_tag(database_name):
    return "hr" + hashlib.sha256(database_name.encode()).hexdigest()[:8]


def shared_role(database_name):
    return f"{database_tag(database_name)}_shared"


def role_for_schema(database_name, schema_name):
    from django_tenants.utils import get_public_schema_name

    if schema_name == get_public_schema_name():
        return shared_role(database_name)
    return f"{database_tag(database_name)}_{schema_name}"


def _ident(name):
    return sql.Identifier(name)


def _role_exists(cursor, role):
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def _create_role(cursor, role):
    if not _role_exists(cursor, role):
        cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN INHERIT").format(_ident(role)))


def citus_installed(cursor):
    """Whether this database is a Citus coordinator (infra/SCALING.md)."""
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
    return cursor.fetchone() is not None


def programs_group(database_name):
    """On Citus, every program role is a member of this group, which pg_hba names."""
    return f"{database_tag(database_name)}_programs"


def _let_log_in_from_coordinator(cursor, role, database):
    """Citus reaches the workers as the current role, so after SET ROLE a program role must be
    allowed to log in. It holds no password: the workers' pg_hba.conf lets members of the
    programs group in from the coordinator's address only, and every node's pg_hba.conf refuses
    them from anywhere else (infra/SCALING.md, "Roles")."""
    group = programs_group(database)
    _create_role(cursor, group)
    cursor.execute(sql.SQL("ALTER ROLE {} LOGIN").format(_ident(role)))
    cursor.execute(sql.SQL("GRANT {} TO {}").format(_ident(group), _ident(role)))


def _owner_and_app(cursor):
    cursor.execute("SELECT current_user, current_database()")
    owner, database = cursor.fetchone()
    return owner, database


def grant_shared(cursor, app_role):
    """The shared role: the public schema's tables (users, sessions, programs...), including
    tables future migrations add there."""
    owner, database = _owner_and_app(cursor)
    role = shared_role(database)
    _create_role(cursor, role)
    statements = [
        "GRANT {role} TO {app}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{role}}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        f" GRANT {TABLE_PRIVILEGES} ON TABLES TO {{role}}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        " GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]
    for statement in statements:
        cursor.execute(
            sql.SQL(statement).format(role=_ident(role), app=_ident(app_role), owner=_ident(owner))
        )
    return role


def grant_program(cursor, schema_name, app_role):
    """A program's role: usage of its own schema (and, through the shared role, the public
    tables); every table there except UPDATE/DELETE/TRUNCATE on the append-only ones. Idempotent:
    provisioning and `migrate_all` both run it."""
    owner, database = _owner_and_app(cursor)
    role = role_for_schema(database, schema_name)
    shared = shared_role(database)
    _create_role(cursor, role)
    fmt = {
        "role": _ident(role),
        "app": _ident(app_role),
        "owner": _ident(owner),
        "schema": _ident(schema_name),
        "shared": _ident(shared),
    }
    statements = [
        "GRANT {shared} TO {role}",
        "GRANT {role} TO {app}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {{schema}} TO {{role}}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT {TABLE_PRIVILEGES} ON TABLES TO {{role}}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        " GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]
    for statement in statements:
        cursor.execute(sql.SQL(statement).format(**fmt))
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
        " AND table_name = ANY(%s)",
        [schema_name, list(APPEND_ONLY_TABLES)],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {}.{} FROM {}").format(
                _ident(schema_name), _ident(table), _ident(role)
            )
        )
    if citus_installed(cursor):
        _let_log_in_from_coordinator(cursor, role, database)
    return role


def drop_program_role(cursor, schema_name):
    """After the schema is dropped: the role goes with it (its grants went with the tables)."""
    _owner, database = _owner_and_app(cursor)
    role = role_for_schema(database, schema_name)
    # Its privileges and default privileges went with the schema; memberships go with it.
    cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(_ident(role)))


def drop_database_roles(cursor, database_name):
    """Every role tagged for a database (test teardown: the database is about to go)."""
    cursor.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s",
        [database_tag(database_name) + "\\_%"],
    )
    for (role,) in cursor.fetchall():
        cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(_ident(role)))
