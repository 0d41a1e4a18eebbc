"""Bringing a retired program back from its retirement archive, into a new schema at its old
address or a new one.

Everything is checked before anything is made: the archive's list of parts is signed with the
site's secret key when it is written (workflow.archive), each part must be there and match its
SHA-256, every case's timeline must link from the first event to the last, and every evidence
file must match the fingerprint taken when it was uploaded. A damaged archive is refused with
what is wrong. Then, in one owner transaction: a new schema gets the tables the archive's
migrations made (its manifest lists them), the rows are loaded with the models of that time,
the schema is migrated forward to today's code, the timelines are checked once more, the
members' API tokens are revoked, and the program gets its role and its address back. A failure
rolls all of it back (the schema with it), and the evidence files already stored are deleted."""

import hashlib
import json
import logging
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from pathlib import PurePosixPath

from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from psycopg import sql

from accounts.access import is_platform_operator
from accounts.api_tokens import revoke_tokens
from config import dbroles
from config.files import archive_storage
from organizations.errors import OnboardingError
from organizations.models import Domain, Program, ProgramStatus
from organizations.schemas import build_schemas_locally, distribute_schema
from organizations.services import check_slug_available, program_host
from organizations.slugs import schema_name_for_slug
from tenants.models import MemberToken
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
from workflow.models.investigation import evidence_file_name

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


def _archived_state(executor, manifest):
    """The migration nodes the archived schema had, and Django's targets to rebuild it."""
    archived = {tuple(item.split(".", 1)) for item in manifest.get("migrations", [])}
    unknown = sorted(archived - set(executor.loader.graph.nodes))
    if not archived or unknown:
        raise DamagedArchive(
            _(
                "The archive's tables were made by migrations this version does not have "
                "(%(names)s): restore it with the version that retired it."
            )
            % {"names": ", ".join(".".join(node) for node in unknown[:5]) or "none listed"}
        )
    graph = executor.loader.graph
    targets = [
        node
        for node in archived
        if not any(child in archived for child in graph.node_map[node].children)
    ]
    return targets


def _rebuild_tables(schema, manifest):
    """In the new (empty) schema on the owner connection: the tables as the archive had them.
    Returns the models of that time (the rows are loaded with them)."""
    owner = connections[OWNER]
    with owner.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    # Its own migration table first, or the public schema's would be read.
    owner.set_schema(schema, include_public=False)
    MigrationRecorder(owner).ensure_schema()
    owner.set_schema(schema)
    executor = MigrationExecutor(owner)
    targets = _archived_state(executor, manifest)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _instance(model, row):
    values, many = {model._meta.pk.attname: model._meta.pk.to_python(row["pk"])}, {}
    for name, value in row["fields"].items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise DamagedArchive(
                _("The archive's %(model)s rows have a field %(field)s its tables lack.")
                % {"model": row["model"], "field": name}
            ) from exc
        if field.many_to_many:
            many[name] = value
        elif field.is_relation:
            target = field.target_field
            values[field.attname] = None if value is None else target.to_python(value)
        else:
            values[field.attname] = field.to_python(value)
    return model(**values), many


def _load_rows(checked, schema, saved_files, models):
    """Insert every row with the models of the archive's time; store the evidence files."""
    storage = EvidenceFile._meta.get_field("file").storage
    for label, group in groupby(checked.rows, key=lambda row: row["model"]):
        model = models.get_model(label)
        made = [_instance(model, row) for row in group]
        for item, _many in made:
            if label == "workflow.evidencefile":
                data = checked.evidence[str(item.pk)]
                name = storage.save(evidence_file_name(schema, item.pk), ContentFile(data))
                saved_files.append(name)
                item.file = name
        with connections[OWNER].cursor() as cursor:
            # Rows a migration seeded (the case-number counter) give way to the archived ones.
            cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(model._meta.db_table)))
        model._base_manager.using(OWNER).bulk_create([item for item, _many in made], 500)
        for item, many in made:
            for name, pks in many.items():
                getattr(item, name).set(pks)


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
    app_role = connections["default"].settings_dict["USER"]
    saved_files = []
    owner.ensure_connection()  # no connection may be opened inside the atomic block
    try:
        with transaction.atomic(using=OWNER):
            locked = Program.objects.using(OWNER).select_for_update().get(pk=program.pk)
            if locked.status != ProgramStatus.RETIRED:
                raise OnboardingError(_("The program was restored by someone else meanwhile."))
            with owner.cursor() as cursor:
                # A stray schema of that name (no program has it: checked above) is replaced.
                cursor.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )
                # On Citus the schema is built, loaded and migrated on the coordinator, then
                # distributed: checks left pending by the load could not be run on a worker
                # before the forward migrations alter its tables (infra/SCALING.md).
                citus = build_schemas_locally(cursor)
            models = _rebuild_tables(schema, checked.manifest)
            _load_rows(checked, schema, saved_files, models)
            with owner.cursor() as cursor:
                # Check every reference between the loaded rows now: a migration may not alter
                # a table with checks still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # Then forward to today's tables, as `migrate_all` would have taken it.
            executor = MigrationExecutor(owner)
            executor.migrate(executor.loader.graph.leaf_nodes())
            with owner.cursor() as cursor:  # new rows are numbered after the restored ones
                for statement in owner.ops.sequence_reset_sql(no_style(), program_models()):
                    cursor.execute(statement)
            _check_restored_timelines(expected_events)
            # The archive holds the members' API tokens as they were: none comes back to life
            # (its member may be a member again, with a role it was never made for).
            revoke_tokens(MemberToken.objects.using(OWNER))
            owner.set_schema_to_public()
            with owner.cursor() as cursor:
                if citus:
                    distribute_schema(cursor, schema)
                dbroles.grant_program(cursor, schema, app_role)
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
