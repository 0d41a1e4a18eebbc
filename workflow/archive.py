"""One archive of a whole program: every case with every step and its timeline, the policy
history, participants (code and alias), low-level responses, the case-read log, purge records
and the evidence files themselves. A zip of JSON files plus `evidence/`.

Runs in the active program schema (whichever connection is active there can read it).

Made for a person (`reader`: an admin's download), it leaves out every case that person is a
party to, with its evidence and its read-log rows, as if the case did not exist
(workflow.access): an admin named in a complaint does not get it through the export. Made for
the system (`reader=None`: the retirement archive), it holds every case."""

import json
import re
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from tenants.models import Participant, PolicyVersion
from workflow.access import hide_party_cases
from workflow.models import Case, CaseRead, EvidenceFile, LowLevelResponse, PurgeRecord
from workflow.selectors import export_case_record

FORMAT_VERSION = 1


def _json(data):
    return json.dumps(data, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "file"


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
    }
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
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
            name = f"evidence/{item.case_id}/{item.pk}-{_safe_name(item.original_name)}"
            with item.file.open("rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    return manifest
