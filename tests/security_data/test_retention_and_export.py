"""Retention (purge of expired closed cases and their files, with a record), the program
admin's whole-program archive, and retiring a program (archive, then drop its schema).

These need committed data (the purge and the retirement run on the owner connection, which
does not see the per-test transaction), so they use a program of their own, made here and
retired by the last test."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from tests.security_data.conftest import committed_program, make_case

SLUG = "keep-and-go"


@pytest.fixture(scope="module")
def retiring(world, django_db_blocker):
    """A committed program with a member admin; removed (row, members) afterwards."""
    from accounts.models import Role

    roles = {
        "a_admin": Role.PROGRAM_ADMIN,
        "a_staff": Role.PROGRAM_STAFF,
        "a_lead": Role.PROGRAM_LEAD,
        "a_staff2": Role.PROGRAM_STAFF,
    }
    with django_db_blocker.unblock(), committed_program(world, SLUG, "Keep and Go", roles) as made:
        yield made


@pytest.fixture
def committed(retiring, django_db_blocker):
    with django_db_blocker.unblock():
        yield retiring
        connection.set_schema_to_public()


def test_retention_is_a_policy_setting_with_limits(db, program_a, in_program, users):
    from tenants.errors import DomainError
    from tenants.policy import change_policy, current_policy

    with in_program(program_a):
        assert current_policy().retention_days_after_close == 730
        with pytest.raises(DomainError) as info:
            change_policy(actor=users["a_admin"], retention_days_after_close=5)
        assert info.value.field == "retention_days_after_close"
        assert (
            change_policy(
                actor=users["a_admin"], retention_days_after_close=90
            ).retention_days_after_close
            == 90
        )
        from django.db import IntegrityError

        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO tenants_policyversion (number, created_at, change_note,"
                " response_window_days, acknowledgement_window_days, max_ban_days,"
                " ban_days_by_severity, appeal_window_days, appeal_reviewer_roles,"
                " decider_roles, appeal_levels, pause_ban_during_appeal, follow_up_days,"
                " community_check_in_days, facilitator_required, advisory_board_on_panels,"
                " retention_days_after_close) VALUES (99, now(), '', 7, 2, 30, '{}', 14,"
                " '{program_admin}', '{program_admin}', 1, false, '{7}', 30, true, true, 1)"
            )


def test_purge_removes_expired_closed_cases_and_their_files(committed, world):
    from workflow import services
    from workflow.models import (
        Case,
        CaseEvent,
        CaseRead,
        EvidenceFile,
        LowLevelResponse,
        PurgeRecord,
    )
    from workflow.retention import purge_expired_cases

    users = world.users
    with tenant_context(committed):
        old = make_case(users, codes=("P-1", "P-2"))
        recent = make_case(users, codes=("P-1", "P-2"))
        still_open = make_case(users, codes=("P-1", "P-2"))
        for case in (old, recent):
            services.withdraw_case(actor=users["a_lead"], case=case, reason="Parties settled it.")
        long_ago = timezone.now() - timedelta(days=731)
        Case.objects.filter(pk=old.pk).update(ended_at=long_ago)
        from workflow.audit import record_case_read

        record_case_read(case=old, user=users["a_staff"])
        old_file = Path(settings.MEDIA_ROOT) / EvidenceFile.objects.get(case=old).file.name
        assert old_file.exists()

        # Two "asked to leave" records: one from before the retention period, one from today.
        services.record_low_level_response(
            actor=users["a_staff"], what_happened="Shouting today.", response="Asked to leave."
        )
        owner = connections["owner"]
        owner.set_schema(committed.schema_name)
        with owner.cursor() as cursor:
            cursor.execute(
                "INSERT INTO workflow_lowlevelresponse (occurred_at, location, what_happened,"
                " response, recorded_by_id, recorded_at) VALUES (%s, '', 'Shouting long ago.',"
                " 'Asked to leave.', %s, %s)",
                [long_ago, users["a_staff"].pk, long_ago],
            )
        owner.set_schema_to_public()

        record = purge_expired_cases()
        assert record.cases_purged == 1 and record.files_purged == 1
        assert record.low_level_responses_purged == 1
        assert list(LowLevelResponse.objects.values_list("what_happened", flat=True)) == [
            "Shouting today."
        ]
        assert record.retention_days == 730
        assert not Case.objects.filter(pk=old.pk).exists()
        assert not CaseEvent.objects.filter(case_id=old.pk).exists()
        assert not old_file.exists()
        assert set(Case.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
        assert EvidenceFile.objects.filter(case=recent).exists()
        # The record holds counts only; the read log keeps the bare number of the case.
        assert PurgeRecord.objects.count() == 1
        assert CaseRead.objects.filter(case_id=old.pk).count() == 1
        # Running again finds nothing: no second record.
        assert purge_expired_cases() is None
        assert PurgeRecord.objects.count() == 1


def test_admin_exports_the_whole_program(committed, world, client_for):
    from tenants.policy import change_policy

    users = world.users
    with tenant_context(committed):
        change_policy(
            actor=users["a_admin"], change_note="Shorter keep.", retention_days_after_close=365
        )
    for key in ("a_staff", "a_lead"):
        assert client_for(committed, users[key]).get("/api/program-export/").status_code == 403
        assert client_for(committed, users[key]).get("/program-data/export.zip").status_code == 404
    assert client_for(committed, users["b_admin"]).get("/api/program-export/").status_code == 404
    response = client_for(committed, users["a_admin"]).get("/api/program-export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["program"]["slug"] == SLUG
    assert manifest["cases"] == 2 and manifest["evidence_files"] == 2
    case_files = sorted(n for n in names if n.startswith("cases/"))
    assert len(case_files) == 2
    record = json.loads(archive.read(case_files[0]))
    assert record["timeline"] and record["parties"]
    assert {p["participant__code"] for p in record["parties"]} == {"P-1", "P-2"}
    policies = json.loads(archive.read("policy_versions.json"))
    assert [p["retention_days_after_close"] for p in policies][-1] == 365
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == 2 and archive.read(evidence[0]) == b"evidence bytes"
    assert json.loads(archive.read("purge_records.json"))[0]["cases_purged"] == 1
    assert "case_reads.json" in names and "participants.json" in names
    page = client_for(committed, users["a_admin"]).get("/program-data/export.zip")
    assert page.status_code == 200


def test_a_failed_retirement_drops_nothing_and_says_why(committed, world, settings, tmp_path):
    from config.object_storage import storages_setting
    from organizations.models import Program, ProgramStatus
    from organizations.retirement import request_retirement, retire_program

    not_a_folder = tmp_path / "archives"
    not_a_folder.write_text("a file where the archive folder should be")
    settings.STORAGES = storages_setting(object_storage_url="", archive_root=str(not_a_folder))
    request_retirement(actor=world.users["operator"], program=committed)
    program = retire_program(program_id=committed.pk)
    assert program.status == ProgramStatus.SUSPENDED
    assert "Retirement failed" in program.failure_reason
    assert program.retiring_since is None
    assert schema_exists(program.schema_name, "owner")
    assert Program.objects.get(pk=committed.pk).domains.exists()
    _flush_retirements()


def _flush_retirements():
    from config.broker import broker

    broker.flush("provisioning")


def test_operator_retires_a_program(committed, world, client_for):
    from config.broker import broker
    from organizations.errors import OnboardingError
    from organizations.models import Program, ProgramStatus
    from organizations.retirement import request_retirement
    from tests.platform.conftest import running_worker
    from workflow.outbox.models import Reminder

    _flush_retirements()
    with pytest.raises(OnboardingError):
        request_retirement(actor=world.users["hd1"], program=committed)
    from organizations.admin import ProgramAdmin

    assert "retire" in ProgramAdmin.actions  # the operator's button; it calls the service
    with tenant_context(committed):
        still_open = make_case(world.users, codes=("P-7", "P-8"))
    assert Reminder.objects.filter(program=committed, case_id=still_open.pk).exists()
    site = client_for(committed, world.users["a_admin"])
    request_retirement(actor=world.users["operator"], program=committed)
    program = Program.objects.get(pk=committed.pk)
    assert program.status == ProgramStatus.RETIRING and program.retiring_since is not None
    # While a worker archives it, the site accepts nothing.
    closing = site.get("/")
    assert closing.status_code == 503 and "This site is closing" in closing.text
    assert broker.do_qsize("provisioning") == 1
    with running_worker("provisioning"):
        broker.join("provisioning", timeout=120_000)

    program = Program.objects.get(pk=committed.pk)
    assert program.status == ProgramStatus.RETIRED, program.failure_reason
    assert program.retired_at is not None and program.retiring_since is None
    from config.files import archive_storage

    assert archive_storage().exists(program.archive_path)
    assert Path(archive_storage().path(program.archive_path)).is_relative_to(settings.ARCHIVE_ROOT)
    with archive_storage().open(program.archive_path) as stored, zipfile.ZipFile(stored) as archive:
        assert json.loads(archive.read("manifest.json"))["cases"] == 3
    assert not schema_exists(program.schema_name, "owner")
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", ["%_keep_and_go"])
        assert cursor.fetchone() == (0,)
    assert not (Path(settings.MEDIA_ROOT) / "programs" / program.schema_name).exists()
    # Its reminders will never be sent now.
    assert not Reminder.objects.filter(program=program, state__in=["pending", "enqueued"]).exists()
    # Nothing routes to it any more.
    assert site.get("/").status_code == 404
    assert site.get("/api/cases/").status_code == 404
    with pytest.raises(OnboardingError):
        request_retirement(actor=world.users["operator"], program=program)
