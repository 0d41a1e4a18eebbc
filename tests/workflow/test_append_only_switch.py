"""The append-only guard is lifted by a setting the trigger reads (what the retention purge does),
never by disabling triggers: only the tables' owner, only for DELETE, only in that transaction."""

import pytest
from django.db import DatabaseError, connections, transaction
from psycopg import sql

from config.dbroles import role_for_schema
from tenants.models import PolicyVersion
from workflow.retention import lift_append_only_guard


def test_the_owner_may_delete_only_with_the_setting_and_never_update(in_a):
    owner = connections["owner"]
    owner.set_schema(in_a.schema_name)
    versions = PolicyVersion.objects.using("owner")
    try:
        with transaction.atomic(using="owner"):
            version = versions.create(number=90_001, change_note="switch test")
            refused = pytest.raises(DatabaseError, match="append-only")
            with refused, transaction.atomic(using="owner"):
                versions.filter(pk=version.pk).delete()
            with owner.cursor() as cursor:
                lift_append_only_guard(cursor)
            refused = pytest.raises(DatabaseError, match="append-only")
            with refused, transaction.atomic(using="owner"):
                versions.filter(pk=version.pk).update(change_note="changed")
            assert versions.filter(pk=version.pk).delete()[0] == 1
            transaction.set_rollback(True, using="owner")
        # The setting was local to that transaction.
        with transaction.atomic(using="owner"), owner.cursor() as cursor:
            cursor.execute("SELECT current_setting('harmrepair.allow_purge', true)")
            assert cursor.fetchone()[0] in (None, "")
    finally:
        owner.set_schema_to_public()


def test_the_program_role_is_refused_even_with_the_setting(in_a):
    """The program's role holds no DELETE on the table, so first it is given one: then it is the
    trigger's owner check that refuses it. The row and the grant are committed before (and
    taken back after): on a Citus cluster a transaction may not reach a shard as one role once
    it has changed it as another."""
    owner = connections["owner"]
    owner.set_schema(in_a.schema_name)
    role = sql.Identifier(role_for_schema(owner.settings_dict["NAME"], in_a.schema_name))
    versions = PolicyVersion.objects.using("owner")
    version = versions.create(number=90_002, change_note="switch test")
    try:
        with owner.cursor() as cursor:
            cursor.execute(sql.SQL("GRANT DELETE ON tenants_policyversion TO {}").format(role))
            # The owner creates the program roles, so it may take one on for this test.
            cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
        with transaction.atomic(using="owner"), owner.cursor() as cursor:
            cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(role))
            lift_append_only_guard(cursor)
            refused = pytest.raises(DatabaseError, match="append-only")
            with refused, transaction.atomic(using="owner"):
                cursor.execute("DELETE FROM tenants_policyversion WHERE id = %s", [version.pk])
            cursor.execute("SELECT count(*) FROM tenants_policyversion WHERE id = %s", [version.pk])
            assert cursor.fetchone()[0] == 1
            transaction.set_rollback(True, using="owner")
    finally:
        with transaction.atomic(using="owner"), owner.cursor() as cursor:
            cursor.execute(sql.SQL("REVOKE {} FROM CURRENT_USER").format(role))
            cursor.execute(sql.SQL("REVOKE DELETE ON tenants_policyversion FROM {}").format(role))
            lift_append_only_guard(cursor)
            cursor.execute("DELETE FROM tenants_policyversion WHERE id = %s", [version.pk])
        owner.set_schema_to_public()
