"""The application's own database role: owns nothing, is no superuser, cannot rewrite the
timeline, and cannot reach another program's schema even with raw SQL."""

import pytest
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError

from tests.security_data.conftest import make_case


def one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def refused(sql, params=()):
    with (
        pytest.raises(ProgrammingError, match="permission denied") as info,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(info.value)


def test_app_role_is_no_superuser_and_owns_nothing(db):
    user = connection.settings_dict["USER"]
    assert user != connections["owner"].settings_dict["USER"]
    assert one(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [user]
    ) == (False, False, False)
    owned = one(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = %s",
        [user],
    )
    schemas = one(
        "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner"
        " WHERE r.rolname = %s",
        [user],
    )
    assert owned == (0,) and schemas == (0,)
    assert one("SELECT session_user")[0] == user


def test_app_role_cannot_update_or_delete_timeline_events(db, program_a, in_program, users):
    with in_program(program_a):
        case = make_case(users)
        assert one("SELECT count(*) FROM workflow_caseevent WHERE case_id = %s", [case.pk])[0] >= 3
        refused("UPDATE workflow_caseevent SET action = 'forged' WHERE case_id = %s", [case.pk])
        refused("DELETE FROM workflow_caseevent WHERE case_id = %s", [case.pk])
        refused("TRUNCATE workflow_caseevent")
        refused("UPDATE tenants_policyversion SET max_ban_days = 1")
        refused("DELETE FROM tenants_policyversion")
        refused("DELETE FROM workflow_caseread")
        # Appending stays allowed: that is how every step records itself.
        assert one("SELECT has_table_privilege('workflow_caseevent', 'INSERT')") == (True,)


def test_raw_sql_cannot_reach_another_programs_schema(db, program_a, program_b, in_program):
    with in_program(program_a):
        assert one("SELECT count(*) FROM prog_a.workflow_case")[0] >= 0
        message = refused("SELECT count(*) FROM prog_b.workflow_case")
        assert "schema prog_b" in message
        refused("SELECT * FROM prog_b.tenants_participant")
        refused(
            "INSERT INTO prog_b.tenants_participant (code, alias, advisory_board_member,"
            " created_at) VALUES ('X', '', false, now())"
        )
        # Changing the search path does not help: privileges follow the role, not the path.
        with (
            pytest.raises(ProgrammingError, match="permission denied|does not exist"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL search_path = prog_b, public")
            cursor.execute("SELECT count(*) FROM workflow_case")
    with in_program(program_b):
        assert one("SELECT count(*) FROM prog_b.workflow_case")[0] >= 0
        refused("SELECT count(*) FROM prog_a.workflow_case")
    # The platform site (public schema) reaches no program at all, nor the template.
    refused("SELECT count(*) FROM prog_a.workflow_case")
    refused("SELECT count(*) FROM program_template.workflow_case")


def test_each_program_runs_under_its_own_role(db, program_a, program_b, in_program):
    with in_program(program_a):
        role_a = one("SELECT current_user")[0]
    with in_program(program_b):
        role_b = one("SELECT current_user")[0]
    public_role = one("SELECT current_user")[0]
    assert role_a.endswith("_prog_a") and role_b.endswith("_prog_b")
    assert len({role_a, role_b, public_role}) == 3
    assert one("SELECT has_schema_privilege(%s, 'prog_b', 'USAGE')", [role_a]) == (False,)
    assert one("SELECT has_schema_privilege(%s, 'prog_a', 'USAGE')", [role_b]) == (False,)


class _Abandon(Exception):
    pass


def test_a_savepoint_rollback_never_leaves_the_previous_programs_role(
    db, program_a, program_b, in_program
):
    """The role and search_path are set once per switch, not per query. PostgreSQL undoes a SET
    when the savepoint that issued it rolls back; the next query must set them again rather
    than run as the program used before."""
    with in_program(program_a):
        assert one("SELECT current_user")[0].endswith("_prog_a")
        with pytest.raises(_Abandon), transaction.atomic():
            # Switched after the savepoint, so the SET happens inside it.
            connection.set_tenant(program_b)
            assert one("SELECT current_user")[0].endswith("_prog_b")
            raise _Abandon
        role, path = one("SELECT current_user, current_setting('search_path')")
    assert role.endswith("_prog_b")
    assert path.replace('"', "").startswith("prog_b,")


def test_a_transaction_rollback_never_leaves_the_previous_programs_role(db, program_a, program_b):
    """The same for a whole transaction rolled back (a failed request or job), on a connection
    of its own outside the test's transaction."""
    conn = connections.create_connection("default")
    try:

        def ask():
            with conn.cursor() as cursor:
                cursor.execute("SELECT current_user, current_setting('search_path')")
                return cursor.fetchone()

        conn.set_tenant(program_a)
        assert ask()[0].endswith("_prog_a")
        conn.set_autocommit(False)
        conn.set_tenant(program_b)
        assert ask()[0].endswith("_prog_b")
        conn.rollback()
        role, path = ask()
        assert role.endswith("_prog_b")
        assert path.replace('"', "").startswith("prog_b,")
    finally:
        conn.close()
