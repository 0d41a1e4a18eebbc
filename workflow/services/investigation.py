"""Investigating: an impartial investigator, statements, evidence, context and factors."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.evidence import sniff_upload
from workflow.models import ContributingFactor, EvidenceFile, Investigation, Statement
from workflow.services._base import (
    begin_step,
    ensure_impartial,
    move_to,
    not_in_future,
    party_of,
    record_event,
    require_member,
    statement_text,
    validate,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from workflow.models import Case, CaseParty


@transaction.atomic
def start_investigation(*, actor: User, case: Case, investigator: User) -> Case:
    case, step = begin_step("start_investigation", actor=actor, case=case)
    require_member(investigator, field="investigator")
    ensure_impartial(case, investigator, duty=_("investigator"), field="investigator")
    Investigation.objects.create(
        case=case, investigator=investigator, started_at=timezone.now(), started_by=actor
    )
    before = move_to(case, step)
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={"state": case.state, "investigator": investigator.pk},
    )
    return case


@transaction.atomic
def add_statement(
    *,
    actor: User,
    case: Case,
    content: str,
    party: CaseParty | None = None,
    given_at: datetime | None = None,
) -> Statement:
    case, step = begin_step("add_statement", actor=actor, case=case)
    if party is not None:
        party_of(case, party)
    statement = Statement.objects.create(
        case=case,
        party=party,
        recorded_by=actor,
        given_at=not_in_future(given_at or timezone.now(), field="given_at"),
        content=statement_text(content, message=_("Write down the statement.")),
    )
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={"statement": statement.pk, "party": getattr(party, "pk", None)},
    )
    return statement


@transaction.atomic
def attach_evidence(
    *, actor: User, case: Case, uploaded_file: UploadedFile, description: str = ""
) -> EvidenceFile:
    """Store a file under this program's own path; it is served only through the
    permission-checked API, never from a public address."""
    case, step = begin_step("attach_evidence", actor=actor, case=case)
    if uploaded_file is None or not uploaded_file.size:
        raise WorkflowError(_("Choose a file to attach."), field="file")
    if uploaded_file.size > settings.EVIDENCE_MAX_MB * 1024 * 1024:
        raise WorkflowError(
            _("This file is too large: files can be at most %(mb)s MB.")
            % {"mb": settings.EVIDENCE_MAX_MB},
            field="file",
        )
    content_type = sniff_upload(uploaded_file)
    if content_type is None:
        raise WorkflowError(
            _(
                "This kind of file cannot be attached. Attach a photo or other image, a PDF, "
                "plain text, a sound recording or a video."
            ),
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    evidence = EvidenceFile(
        case=case,
        original_name=(uploaded_file.name or "file")[:255],
        # What the file is, read from its bytes; the uploader's label is ignored.
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        description=description or "",
        uploaded_by=actor,
    )
    evidence.file.save(str(evidence.id), uploaded_file, save=False)
    evidence.save()
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={"evidence": str(evidence.id), "sha256": evidence.sha256, "size": evidence.size},
    )
    return evidence


@transaction.atomic
def record_contributing_factors(
    *,
    actor: User,
    case: Case,
    factors: Sequence[str],
    other_factor: str = "",
    context_notes: str | None = None,
) -> Investigation:
    """The contributing factors considered, and context such as power imbalances and systemic
    issues (supply shortages, crowding) that shaped what happened."""
    case, step = begin_step("record_contributing_factors", actor=actor, case=case)
    investigation = Investigation.objects.select_for_update().get(case=case)
    factors = sorted(set(factors or []))
    unknown = set(factors) - set(ContributingFactor.values)
    if unknown:
        raise WorkflowError(
            _("Unknown contributing factor: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            field="factors",
        )
    if ContributingFactor.OTHER in factors and not (other_factor or "").strip():
        raise WorkflowError(_("Describe the other contributing factor."), field="other_factor")
    before = {
        "factors": investigation.contributing_factors,
        "other_factor": investigation.other_factor,
        "context_notes": investigation.context_notes,
    }
    investigation.contributing_factors = factors
    investigation.other_factor = (other_factor or "").strip()
    if context_notes is not None:
        investigation.context_notes = context_notes.strip()
    validate(investigation, exclude=["case", "investigator", "started_by"])
    investigation.save()
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before=before,
        after={
            "factors": factors,
            "other_factor": investigation.other_factor,
            "context_notes": investigation.context_notes,
        },
    )
    return investigation
