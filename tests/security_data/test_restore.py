"""A retired program comes back from its archive, with its record intact; a damaged archive is
refused and nothing is made.

Committed data (retiring and restoring run on the owner connection), so the program is made
here and removed afterwards."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from tests.conftest import PASSWORD, host_of
from tests.extra_migration import MIGRATION, extra_workflow_migration
from tests.security_data.conftest import committed_program, make_case

SLUG = "come-back"
NEW_SLUG = "come-back-two"
STAFF = "come-back-staff@example.test"


def _record():
    """What staff would see of the record: cases, timelines (with their hashes), evidence."""
    from workflow.models import Case, CaseEvent, EvidenceFile

    return {
        "cases": list(Case.objects.order_by("pk").values_list("pk", "state", "narrative")),
        "events": list(
            CaseEvent.objects.order_by("case_id", "seq").values_list("case_id", "seq", "hash")
        ),
        "evidence": sorted(
            (str(item.pk), item.original_name, item.file.open("rb").read())
            for item in EvidenceFile.objects.all()
        ),
    }


@pytest.fixture(scope="module")
def retired(world, django_db_blocker):
    """A committed program with cases and evidence, retired; removed afterwards."""
    from accounts.models import Membership, Role, User
    from organizations.retirement import request_retirement, retire_program

    roles = {
        "a_staff": Role.PROGRAM_STAFF,
        "a_lead": Role.PROGRAM_LEAD,
        "a_staff2": Role.PROGRAM_STAFF,
    }
    with (
        django_db_blocker.unblock(),
        committed_program(world, SLUG, "Come Back", roles) as program,
    ):
        # A staff member of its own, who signs in with a password alone (no second factor).
        member = User.objects.create_user(email=STAFF, password=PASSWORD)
        Membership.objects.create(user=member, role=Role.PROGRAM_STAFF, program=program)
        from tenants.api_tokens import create_member_token

        with tenant_context(program):
            make_case(world.users, codes=("C-1", "C-2"))
            make_case(world.users, codes=("C-3", "C-4"))
            before = _record()
            # A script's token, live when the program retires.
            _token, plaintext = create_member_token(
                actor=member, name="weekly script", days=90, verified=False
            )
        connection.set_schema_to_public()
        request_retirement(actor=world.users["operator"], program=program)
        program = retire_program(program_id=program.pk)
        assert program.status == "retired", program.failure_reason
        from config.broker import broker

        broker.flush("provisioning")
        try:
            yield program, before, plaintext
        finally:
            User.objects.filter(email=STAFF).delete()


def _rewrite(archive_bytes, change):
    """A copy of the archive with `change(parts)` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def _edit_case_file(parts):
    name = next(name for name in parts if name.startswith("cases/"))
    parts[name] = parts[name].replace(b"Shouting", b"Laughing")


def _drop_evidence(parts):
    del parts[next(name for name in parts if name.startswith("evidence/"))]


def _break_a_chain_and_sign_again(parts):
    """An insider with the site's key: the list is signed again, the timeline still breaks."""
    import hashlib

    from workflow.archive import CHECKSUMS, DUMP, checksum_signer

    rows = json.loads(parts[DUMP])
    event = next(row for row in rows if row["model"] == "workflow.caseevent")
    event["fields"]["action"] = "closed"
    parts[DUMP] = json.dumps(rows).encode()
    sums = json.loads(parts[CHECKSUMS])["files"]
    sums[DUMP] = hashlib.sha256(parts[DUMP]).hexdigest()
    listing = json.dumps(sums, sort_keys=True)
    parts[CHECKSUMS] = json.dumps(
        {"files": sums, "signature": checksum_signer().signature(listing)}
    ).encode()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_edit_case_file, "was changed after the archive was made"),
        (_drop_evidence, "is missing from the archive"),
        (_break_a_chain_and_sign_again, "timeline in the archive is broken"),
        (lambda parts: parts.clear(), "no manifest.json"),
    ],
    ids=["tampered-file", "missing-part", "broken-chain", "empty"],
)
def test_a_damaged_archive_is_refused_and_nothing_is_made(
    retired, world, django_db_blocker, change, says
):
    from config.files import archive_storage
    from organizations.errors import OnboardingError
    from organizations.models import Domain, Program
    from workflow.restore import restore_program

    program, _before, _token = retired
    storage = archive_storage()
    with django_db_blocker.unblock():
        original = program.archive_path
        with storage.open(original, "rb") as stored:
            damaged = storage.save(
                f"damaged-{SLUG}.zip", ContentFile(_rewrite(stored.read(), change))
            )
        Program.objects.filter(pk=program.pk).update(archive_path=damaged)
        try:
            with pytest.raises(OnboardingError) as refused:
                restore_program(actor=world.users["operator"], program=program, slug=NEW_SLUG)
        finally:
            Program.objects.filter(pk=program.pk).update(archive_path=original)
            storage.delete(damaged)
        assert says in refused.value.message
        assert Program.objects.get(pk=program.pk).status == "retired"
        assert not schema_exists("come_back_two", "owner")
        assert not Domain.objects.filter(tenant_id=program.pk).exists()


def test_a_tampered_archive_is_refused_from_the_command_line(retired, world, django_db_blocker):
    from django.core.management import CommandError, call_command

    from config.files import archive_storage
    from organizations.models import Program

    program, _before, _token = retired
    storage = archive_storage()
    with django_db_blocker.unblock():
        original = program.archive_path
        with storage.open(original, "rb") as stored:
            damaged = storage.save("cut-short.zip", ContentFile(stored.read()[:5000]))
        Program.objects.filter(pk=program.pk).update(archive_path=damaged)
        try:
            with pytest.raises(CommandError, match="Not restored: The archive is not a readable"):
                call_command("restore_program", SLUG, operator=world.users["operator"].email)
        finally:
            Program.objects.filter(pk=program.pk).update(archive_path=original)
            storage.delete(damaged)


def test_only_an_operator_restores(retired, world):
    from organizations.errors import OnboardingError
    from workflow.restore import restore_program

    program, _before, _token = retired
    with pytest.raises(OnboardingError, match="Only a platform operator"):
        restore_program(actor=world.users["hd1"], program=program)


def test_a_retired_program_comes_back_with_its_record_intact(
    retired, world, django_db_blocker, tmp_path
):
    from django.core.management import call_command

    from organizations.models import Program
    from workflow.management.commands.verify_case_records import verify_program_records

    program, before, old_token = retired
    with django_db_blocker.unblock():
        out = io.StringIO()
        # The code has moved on since the archive was made (one more migration): the tables
        # are rebuilt as they were, loaded, then migrated forward.
        with extra_workflow_migration(tmp_path):
            call_command(
                "restore_program",
                SLUG,
                operator=world.users["operator"].email,
                address=NEW_SLUG,
                stdout=out,
            )
        assert "is back at" in out.getvalue()
        with connections["owner"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema ="
                " 'come_back_two' AND table_name = 'workflow_case' AND column_name = 'test_note'"
            )
            assert cursor.fetchone() == (1,)
            cursor.execute(
                "SELECT count(*) FROM come_back_two.django_migrations WHERE name = %s",
                [MIGRATION],
            )
            assert cursor.fetchone() == (1,)
        program = Program.objects.get(pk=program.pk)
        assert (program.status, program.slug, program.schema_name) == (
            "ready",
            NEW_SLUG,
            "come_back_two",
        )
        with tenant_context(program):
            assert _record() == before
            assert verify_program_records() == []
        connection.set_schema_to_public()
        # Its staff sign in at the new address and see their cases and evidence.
        # Their old script's token is not among what comes back.
        script = Client(HTTP_HOST=host_of(program), HTTP_AUTHORIZATION=f"Token {old_token}")
        assert script.get("/api/me/").status_code == 401
        with tenant_context(program):
            from tenants.models import MemberToken

            assert MemberToken.objects.get(name="weekly script").revoked_at is not None
        connection.set_schema_to_public()
        staff = Client(HTTP_HOST=host_of(program))
        staff.post("/accounts/login/", {"username": STAFF, "password": PASSWORD})
        case_id, _state, narrative = before["cases"][0]
        page = staff.get(f"/cases/{case_id}/")
        assert page.status_code == 200 and narrative in page.text
        evidence_id, _name, data = next(item for item in before["evidence"] if item[0] in page.text)
        download = staff.get(f"/cases/{case_id}/evidence/{evidence_id}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == data
        # New cases get the next number, and the timeline keeps growing as a chain.
        with tenant_context(program):
            case = make_case(world.users, codes=("C-5", "C-6"))
            assert case.pk > max(pk for pk, _s, _n in before["cases"])
            assert verify_program_records() == []
        connection.set_schema_to_public()
        with connections["owner"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", ["%_come_back_two"]
            )
            assert cursor.fetchone() == (1,)
