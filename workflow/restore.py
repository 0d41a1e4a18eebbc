"""Bringing a retired program back from its retirement archive, into a new schema at its old
address or a new one.

Everything is checked before anything is made: the archive's list of parts is signed with the
site's secret key when it is written (workflow.archive), each part must be there and match its
SHA-256, every case's timeline must link from the first event to the last, and every evidence
file must match the fingerprint taken when it was uploaded. A damaged archive is refused with
what is wrong. Then the schema, its rows, the evidence files and the program's address are made
in one owner transaction: a failure drops the schema with everything else, and the evidence
files already stored are deleted. The timelines are checked once more in the new schema
before that transaction commits."""

import hashlib
import json
import logging
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connections, transaction
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.access import is_platform_operator
from organizations.archives import archive_storage
from organizations.errors import OnboardingError
from organizations.models import Domain, Program, ProgramStatus
from organizations.schemas import create_program_schema
from organizations.services import check_slug_available, program_host
from organizations.slugs import schema_name_for_slug
from workflow.archive import (
    CHECKSUMS,
    DUMP,
    FORMAT_VERSION,
    checksum_signer,
    evidence_member,
    program_models,
)
from workflow.models import CaseEvent, EvidenceFile
from workflow.models.events import broken_links

logger = logging.getLogger(__name__)
OWNER = "owner"


class DamagedArchive(OnboardingError):
    """The archive cannot be trusted; the message says what is wrong."""


@dataclass
class CheckedArchive:
    manifest: dict
    rows: list
    evidence: dict  # member name -> bytes


def _read_checked_parts(archive):
    names = set(archive.namelist())
    if "manifest.json" not in names:
        raise DamagedArchive(_("The archive has no manifest.json: it is not a program archive."))
    manifest = json.loads(archive.read("manifest.json"))
    if manifest.get("format") != FORMAT_VERSION or CHECKSUMS not in names:
        raise DamagedArchive(
            _(
                "This archive was made by an older version (format %(format)s) that kept no "
                "exact copy of the data: it can be read, but not restored."
            )
            % {"format": manifest.get("format")}
        )
    listing = json.loads(archive.read(CHECKSUMS))
    sums = listing.get("files") or {}
    expected = checksum_signer().signature(json.dumps(sums, sort_keys=True))
    if not constant_time_compare(expected, listing.get("signature", "")):
        raise DamagedArchive(
            _(
                "The archive's list of parts was changed, or the archive was not made by this "
                "site: its signature does not match."
            )
        )
    for name in sorted(sums):
        if name not in names:
            raise DamagedArchive(_("Part %(name)s is missing from the archive.") % {"name": name})
    for name in sorted(names - set(sums) - {CHECKSUMS}):
        raise DamagedArchive(
            _("Part %(name)s was added to the archive after it was made.") % {"name": name}
        )
    parts = {}
    for name, digest in sorted(sums.items()):
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DamagedArchive(
                _("Part %(name)s of the archive is damaged: %(error)s")
                % {"name": name, "error": exc}
            ) from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise DamagedArchive(
                _("Part %(name)s was changed after the archive was made.") % {"name": name}
            )
        parts[name] = data
    if DUMP not in parts:
        raise DamagedArchive(_("The archive holds no copy of the program's data (dump.json)."))
    return manifest, parts


def _check_timelines(rows):
    """Every case's events, in order, must form an unbroken hash chain."""
    events = defaultdict(list)
    cases = set()
    for row in rows:
        if row["model"] == "workflow.case":
            cases.add(row["pk"])
        elif row["model"] == "workflow.caseevent":
            fields = row["fields"]
            events[fields["case"]].append(
                CaseEvent(
                    pk=row["pk"],
                    case_id=fields["case"],
                    seq=fields["seq"],
                    at=parse_datetime(fields["at"]),
                    actor_id=fields["actor"],
                    action=fields["action"],
                    before=fields["before"],
                    after=fields["after"],
                    prev_hash=fields["prev_hash"],
                    hash=fields["hash"],
                )
            )
    problems = []
    for case_id in sorted(cases):
        chain = sorted(events.get(case_id, []), key=lambda event: event.seq)
        if not chain:
            problems.append(_("case %(case)s has no timeline") % {"case": case_id})
        problems += [
            _("case %(case)s, event #%(seq)s: %(problem)s")
            % {"case": case_id, "seq": seq, "problem": problem}
            for seq, problem in broken_links(chain)
        ]
    if problems:
        raise DamagedArchive(
            _("A case timeline in the archive is broken: %(problems)s")
            % {"problems": "; ".join(problems[:10])}
        )


def _check_evidence(rows, parts):
    evidence = {}
    for row in rows:
        if row["model"] != "workflow.evidencefile":
            continue
        fields = row["fields"]
        name = evidence_member(fields["case"], row["pk"], fields["original_name"])
        data = parts.get(name)
        if data is None:
            raise DamagedArchive(
                _("The evidence file %(name)s of case %(case)s is missing from the archive.")
                % {"name": fields["original_name"], "case": fields["case"]}
            )
        if hashlib.sha256(data).hexdigest() != fields["sha256"]:
            raise DamagedArchive(
                _(
                    "The evidence file %(name)s of case %(case)s does not match the fingerprint "
                    "taken when it was uploaded."
                )
                % {"name": fields["original_name"], "case": fields["case"]}
            )
        evidence[row["pk"]] = data
    return evidence


def check_archive(fileobj):
    """Read and verify a retirement archive (a seekable binary file); DamagedArchive if not."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            manifest, parts = _read_checked_parts(archive)
    except zipfile.BadZipFile as exc:
        raise DamagedArchive(
            _("The archive is not a readable zip file (it may be cut short): %(error)s")
            % {"error": exc}
        ) from exc
    rows = json.loads(parts[DUMP])
    _check_timelines(rows)
    return CheckedArchive(manifest=manifest, rows=rows, evidence=_check_evidence(rows, parts))


def _open_archive(program):
    """A local, seekable copy of the stored archive (zip needs to seek; object storage cannot)."""
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    storage = archive_storage()
    try:
        with storage.open(program.archive_path, "rb") as stored:
            while chunk := stored.read(1024 * 1024):
                scratch.write(chunk)
    except (FileNotFoundError, OSError) as exc:
        scratch.close()
        raise DamagedArchive(
            _("The archive %(name)s cannot be found in the archive storage.")
            % {"name": program.archive_path}
        ) from exc
    scratch.seek(0)
    return scratch


def _load_rows(checked, schema, saved_files):
    """Insert every row in the active (new) schema on the owner connection; store evidence."""
    storage = EvidenceFile._meta.get_field("file").storage
    for item in serializers.deserialize("python", checked.rows, using=OWNER):
        if isinstance(item.object, EvidenceFile):
            data = checked.evidence[str(item.object.pk)]
            name = storage.save(f"programs/{schema}/evidence/{item.object.pk}", ContentFile(data))
            saved_files.append(name)
            item.object.file.name = name
        item.save(using=OWNER)
    owner = connections[OWNER]
    with owner.cursor() as cursor:
        for statement in owner.ops.sequence_reset_sql(no_style(), program_models()):
            cursor.execute(statement)


def _check_restored_timelines(expected_events):
    events = defaultdict(list)
    for event in CaseEvent.objects.using(OWNER).order_by("case_id", "seq"):
        events[event.case_id].append(event)
    restored = sum(len(chain) for chain in events.values())
    problems = [problem for chain in events.values() for problem in broken_links(chain)]
    if problems or restored != expected_events:
        raise DamagedArchive(
            _("The restored timelines do not verify (%(count)s events, %(problems)s problems).")
            % {"count": restored, "problems": len(problems)}
        )


def _check_address(program, slug):
    slug = (slug or program.slug).strip().lower()
    if slug != program.slug:
        return check_slug_available(slug)
    schema = schema_name_for_slug(slug)
    taken = (
        Program.objects.exclude(pk=program.pk).filter(schema_name=schema).exists()
        or Domain.objects.filter(domain__iexact=program_host(slug)).exists()
    )
    if taken:
        raise OnboardingError(
            _("The address “%(slug)s” is taken now; restore under another.") % {"slug": slug},
            field="slug",
        )
    return slug


def restore_program(*, actor, program, slug=None):
    """Platform operators only: bring a retired program back from its archive, at `slug`
    (default: its old address). Returns the program, ready."""
    if not is_platform_operator(actor):
        raise OnboardingError(_("Only a platform operator can restore a program."))
    program = Program.objects.get(pk=program.pk)
    if program.status != ProgramStatus.RETIRED:
        raise OnboardingError(_("Only a retired program can be restored from its archive."))
    slug = _check_address(program, slug)
    with _open_archive(program) as scratch:
        checked = check_archive(scratch)
    schema = schema_name_for_slug(slug)
    expected_events = sum(1 for row in checked.rows if row["model"] == "workflow.caseevent")
    owner = connections[OWNER]
    saved_files = []
    try:
        # The app connection's transaction only keeps django-tenants' migrate (inside
        # create_program_schema) from committing and closing the owner connection.
        with transaction.atomic(), transaction.atomic(using=OWNER):
            locked = Program.objects.using(OWNER).select_for_update().get(pk=program.pk)
            if locked.status != ProgramStatus.RETIRED:
                raise OnboardingError(_("The program was restored by someone else meanwhile."))
            create_program_schema(schema)
            owner.set_schema(schema)
            _load_rows(checked, schema, saved_files)
            _check_restored_timelines(expected_events)
            owner.set_schema_to_public()
            locked.slug, locked.schema_name = slug, schema
            locked.status, locked.retired_at, locked.failure_reason = ProgramStatus.READY, None, ""
            locked.save(
                using=OWNER,
                update_fields=["slug", "schema_name", "status", "retired_at", "failure_reason"],
            )
            Domain.objects.using(OWNER).create(domain=program_host(slug), tenant=locked)
    except Exception:
        storage = EvidenceFile._meta.get_field("file").storage
        for name in saved_files:
            storage.delete(name)
        raise
    finally:
        owner.set_schema_to_public()
    logger.info(
        "Restored program %s at %s from %s (%s cases)",
        program.pk,
        slug,
        PurePosixPath(program.archive_path).name,
        checked.manifest.get("cases"),
    )
    return Program.objects.get(pk=program.pk)
