"""One archive of a whole program: every case with every step and its timeline, the policy
history, participants (code and alias), low-level responses, the case-read log, purge records
and the evidence files themselves. A zip of JSON files plus `evidence/`.

Runs in the active program schema (whichever connection is active there can read it).

Made for a person (`reader`: an admin's download), it leaves out every case that person is a
party to, with its evidence and its read-log rows, as if the case did not exist
(workflow.access): an admin named in a complaint does not get it through the export. Made for
the system (`reader=None`: the retirement archive), it holds every case, and also `dump.json`
(every row of the program's tables, exactly, for `workflow.restore`) and `checksums.json`
(the SHA-256 of every other part, signed with the site's secret key), so a restore can tell a
damaged or altered archive from a good one."""

import hashlib
import json
import re
import zipfile

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signing import Signer
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tenants.models import Participant, PolicyVersion
from workflow.access import hide_party_cases
from workflow.case_record import export_case_record
from workflow.models import Case, CaseRead, EvidenceFile, LowLevelResponse, PurgeRecord

FORMAT_VERSION = 2
DUMP = "dump.json"
CHECKSUMS = "checksums.json"
SIGNING_SALT = "workflow.archive.checksums"


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; timeline hashes need every digit."""

    def default(self, o):
        if hasattr(o, "isoformat") and hasattr(o, "microsecond"):
            return o.isoformat()
        return super().default(o)


def checksum_signer():
    return Signer(salt=SIGNING_SALT, algorithm="sha256")


def program_models():
    """The program schema's models, each after the ones it refers to."""
    configs = [apps.get_app_config(label) for label in settings.TENANT_APPS]
    return serializers.sort_dependencies([(config, None) for config in configs])


def _dump():
    rows = []
    for model in program_models():
        rows += serializers.serialize("python", model._base_manager.order_by("pk"))
    return json.dumps(rows, cls=ExactJSONEncoder, ensure_ascii=False)


class _HashingZip:
    """A zip whose parts' SHA-256 are noted as they are written."""

    def __init__(self, archive):
        self.archive, self.sums = archive, {}

    def writestr(self, name, text):
        data = text.encode()
        self.sums[name] = hashlib.sha256(data).hexdigest()
        self.archive.writestr(name, data)

    def copy(self, name, source):
        digest = hashlib.sha256()
        with self.archive.open(name, "w") as target:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                target.write(chunk)
        self.sums[name] = digest.hexdigest()

    def sign(self):
        listing = json.dumps(self.sums, sort_keys=True)
        self.archive.writestr(
            CHECKSUMS,
            _json({"files": self.sums, "signature": checksum_signer().signature(listing)}),
        )


def _json(data):
    return json.dumps(data, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "file"


def evidence_member(case_id, evidence_id, original_name):
    """Where an evidence file sits in the archive."""
    return f"evidence/{case_id}/{evidence_id}-{_safe_name(original_name)}"


def write_program_archive(fileobj, *, program, reader=None):
    """Write the archive to `fileobj` (a path or a binary file); return the manifest. With a
    `reader`, only what that person may see (see the module's note)."""
    cases, evidence, reads = Case.objects.all(), EvidenceFile.objects.all(), CaseRead.objects.all()
    if reader is not None:
        cases = cases.visible_to(reader)
        evidence = hide_party_cases(evidence, reader)
        reads = hide_party_cases(reads, reader)
    case_ids = list(cases.order_by("id").values_list("id", flat=True))
    evidence = list(evidence.order_by("case_id", "uploaded_at"))
    manifest = {
        "format": FORMAT_VERSION,
        "program": {"name": program.name, "slug": program.slug, "schema": connection.schema_name},
        "exported_at": timezone.now(),
        "cases": len(case_ids),
        "evidence_files": len(evidence),
        "policy_versions": PolicyVersion.objects.count(),
        "participants": Participant.objects.count(),
        # The schema's migrations: a restore rebuilds the tables as they were, loads the rows,
        # then migrates them forward to the code of the day.
        "migrations": sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
    }
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        archive = _HashingZip(zipped)
        archive.writestr("manifest.json", _json(manifest))
        archive.writestr(
            "policy_versions.json",
            _json(list(PolicyVersion.objects.order_by("number").values())),
        )
        archive.writestr(
            "participants.json", _json(list(Participant.objects.order_by("id").values()))
        )
        archive.writestr(
            "low_level_responses.json",
            _json(list(LowLevelResponse.objects.order_by("id").values())),
        )
        archive.writestr("case_reads.json", _json(list(reads.order_by("id").values())))
        archive.writestr(
            "purge_records.json", _json(list(PurgeRecord.objects.order_by("id").values()))
        )
        for case_id in case_ids:
            record = export_case_record(Case(pk=case_id))
            archive.writestr(f"cases/{case_id}.json", _json(record))
        for item in evidence:
            name = evidence_member(item.case_id, item.pk, item.original_name)
            with item.file.open("rb") as source:
                archive.copy(name, source)
        if reader is None:
            archive.writestr(DUMP, _dump())
        archive.sign()
    return manifest
