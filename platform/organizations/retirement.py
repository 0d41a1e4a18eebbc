"""Retiring a program: export its whole data to an archive (the "archives" storage: a folder or
the bucket), then drop its schema, its database role and its files. The Program row stays,
marked retired with the archive's name; its addresses are removed, so nothing routes to it.

An operator asks for it (`request_retirement`); a worker carries it out (`retire_program`), since
exporting a large program takes longer than a page request should. While it runs the program's
site says it is closing and accepts nothing, so the archive holds everything. The archive is
written and checked before anything is dropped; if anything fails, nothing is dropped and the
program is left suspended, with the reason, for the operator to look at."""

import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.access import is_platform_operator
from config.files import archive_storage, delete_program_files, save_archive
from organizations.errors import OnboardingError
from organizations.lifecycle import archive_writer, program_retired
from organizations.models import LIVE_STATUSES, Domain, Invitation, Program, ProgramStatus
from organizations.schemas import drop_program_schema

logger = logging.getLogger(__name__)


@transaction.atomic
def request_retirement(*, actor, program):
    """Platform operators only: mark the program retiring and queue the work."""
    if not is_platform_operator(actor):
        raise OnboardingError(_("Only a platform operator can retire a program."))
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in LIVE_STATUSES:
        raise OnboardingError(_("Only a ready or suspended program can be retired."))
    program.status = ProgramStatus.RETIRING
    program.retiring_since = timezone.now()
    program.failure_reason = ""
    program.save(update_fields=["status", "retiring_since", "failure_reason"])
    transaction.on_commit(lambda: enqueue_retirement(program.pk))
    return program


def enqueue_retirement(program_id):
    # why: both import this module (services for the re-sending scheduler, tasks for the job).
    from organizations import services, tasks

    services.stamp_job_sent(program_id)
    tasks.retire_program_job.send(program_id)


def retire_program(*, program_id):
    """The worker's part. Idempotent: a second message finds the program retired, or finds
    another worker's retirement under way and leaves it (its own archive is removed)."""
    program = Program.objects.get(pk=program_id)
    if program.status != ProgramStatus.RETIRING:
        return program
    path = None
    try:
        path = _write_archive(program)
        with transaction.atomic():
            program = Program.objects.select_for_update().get(pk=program_id)
            if program.status != ProgramStatus.RETIRING:
                archive_storage().delete(path)
                return program
            _drop(program, path)
    except Exception as exc:
        connection.set_schema_to_public()
        logger.exception("Retiring program %s failed", program_id)
        Program.objects.filter(pk=program_id, status=ProgramStatus.RETIRING).update(
            status=ProgramStatus.SUSPENDED,
            retiring_since=None,
            failure_reason=_("Retirement failed (the program is suspended): %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"[:1500]},
        )
        return Program.objects.get(pk=program_id)
    # The program's files (evidence, exports) are in the archive now: delete its whole prefix,
    # on the local folder or in the bucket every host shares.
    delete_program_files(program.schema_name)
    logger.info("Retired program %s; archive %s", program.pk, path)
    return program


def _write_archive(program):
    """Write, check and store the archive; return its name in the archive storage."""
    name = f"{program.slug}-{timezone.now():%Y%m%d-%H%M%S-%f}.zip"
    with tempfile.TemporaryFile() as scratch:
        # Outside any transaction: the export's reads must not hold locks the DROP would wait
        # for.
        with tenant_context(program):
            archive_writer()(scratch, program=program)
        scratch.seek(0)
        with zipfile.ZipFile(scratch) as archive:
            if archive.testzip() is not None:
                raise OnboardingError(_("The archive could not be verified."))
        scratch.seek(0)
        return save_archive(program.schema_name, name, File(scratch, name=name))


def _drop(program, path):
    Domain.objects.filter(tenant=program).delete()
    Invitation.objects.filter(program=program, accepted_at__isnull=True).delete()
    # Its reminders would only go to the dead-letter queue now (the notifications cancel them).
    program_retired.send(sender=Program, program=program)
    program.status = ProgramStatus.RETIRED
    program.retired_at = timezone.now()
    program.retiring_since = None
    program.archive_path = str(path)
    program.save(update_fields=["status", "retired_at", "retiring_since", "archive_path"])
    # Last: if dropping fails, the changes above roll back with it.
    drop_program_schema(program.schema_name)
