"""The append-only guard is lifted by a setting the trigger reads (what the retention purge does),
never by disabling triggers: only the tables' owner, only for DELETE, only in that transaction."""

import pytest
from django.db import DatabaseError, connection, connections, transaction

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
    version = PolicyVersion.objects.create(number=90_002, change_note="switch test")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        lift_append_only_guard(cursor)
        cursor.execute("DELETE FROM tenants_policyversion WHERE id = %s", [version.pk])
    assert PolicyVersion.objects.filter(pk=version.pk).exists()
