"""Retention: closed cases are removed once the program's retention period has passed since
they ended, with their files, and so are low-level responses ("asked to leave, welcome back
tomorrow") recorded longer ago than that; a PurgeRecord says when and how many (no personal
data).

Why the owner connection: the timeline (workflow_caseevent) is append-only, enforced twice —
the app role holds no DELETE on it, and a trigger refuses DELETE. The purge is the one
deliberate exception, so it runs as the owner and lifts the trigger's refusal only inside its
own transaction, with a setting the trigger reads (`lift_append_only_guard`): the trigger lets
a DELETE through only for the table's owner with that setting on, so the app role never gains
a way to delete events, whatever it sets. (Not ALTER TABLE ... DISABLE TRIGGER: Citus cannot
run that on a shard with pending trigger events, and it locks the whole table.)

Nothing here reads or needs the anonymized summaries: those are kept elsewhere (summaries app)
and must not depend on the removed rows. The case-read log keeps the case number only."""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone

from tenants.policy import current_policy
from workflow.models import Case, EvidenceFile, LowLevelResponse, PurgeRecord
from workflow.states import FINAL_STATES

logger = logging.getLogger(__name__)
OWNER = "owner"


def lift_append_only_guard(cursor):
    """Let the rest of this transaction DELETE append-only rows, on an owner connection (the
    trigger, tenants migration 0008, checks both). SET LOCAL ends with the transaction. On a
    Citus cluster `citus.propagate_set_commands` sends it on to the worker holding the program's
    shards; without Citus it is an unused placeholder setting."""
    cursor.execute("SET LOCAL citus.propagate_set_commands = 'local'")
    cursor.execute("SET LOCAL harmrepair.allow_purge = on")


def retention_cutoff(*, now=None):
    """(cutoff, days): closed cases that ended before the cutoff have expired."""
    days = current_policy().retention_days_after_close
    return (now or timezone.now()) - timedelta(days=days), days


def purge_expired_cases(*, now=None):
    """In the active program's schema: remove expired closed cases and their files. Idempotent
    (a second run finds nothing). Returns the PurgeRecord, or None if nothing had expired."""
    schema = connection.schema_name
    cutoff, days = retention_cutoff(now=now)
    owner = connections[OWNER]
    owner.set_schema(schema)
    try:
        with transaction.atomic(using=OWNER):
            expired = Case.objects.using(OWNER).filter(
                state__in=sorted(FINAL_STATES), ended_at__lt=cutoff
            )
            ids = list(expired.select_for_update().values_list("id", flat=True))
            responses = LowLevelResponse.objects.using(OWNER).filter(recorded_at__lt=cutoff)
            response_ids = list(responses.select_for_update().values_list("id", flat=True))
            if not ids and not response_ids:
                return None
            files = list(
                EvidenceFile.objects.using(OWNER)
                .filter(case_id__in=ids)
                .values_list("file", flat=True)
            )
            with owner.cursor() as cursor:
                lift_append_only_guard(cursor)
            Case.objects.using(OWNER).filter(id__in=ids).delete()
            LowLevelResponse.objects.using(OWNER).filter(id__in=response_ids).delete()
            record = PurgeRecord.objects.using(OWNER).create(
                ran_at=now or timezone.now(),
                retention_days=days,
                closed_before=cutoff,
                cases_purged=len(ids),
                files_purged=len(files),
                low_level_responses_purged=len(response_ids),
            )
            # Files go once the rows are gone for good; a crash in between leaves orphan files
            # under the program's folder, never a row pointing at a missing file.
            transaction.on_commit(lambda: _delete_files(files), using=OWNER)
        return record
    finally:
        owner.set_schema_to_public()


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete a purged evidence file")
