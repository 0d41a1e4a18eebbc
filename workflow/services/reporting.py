"""Opening a case, its parties and owner, and low-level responses that open no case. A
complaint from the public page is opened by workflow.services.complaints."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Participant, Severity
from tenants.policy import current_policy
from workflow.errors import ConflictOfInterest, WorkflowError
from workflow.models import (
    Case,
    CaseKind,
    CaseParty,
    LowLevelResponse,
    PartyKind,
    PartyRole,
    take_case_number,
)
from workflow.outbox.sync import sync_case_reminders
from workflow.services._base import (
    begin_step,
    ensure_impartial,
    not_in_future,
    record_event,
    require_member,
    validate,
)
from workflow.services.complaints import new_tracking_code
from workflow.states import check_step

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from typing import Any

    from accounts.models import User


@transaction.atomic
def report_case(
    *,
    actor: User,
    kind: str,
    occurred_at: datetime,
    narrative: str,
    categories: Sequence[str],
    severity: str,
    reported_at: datetime | None = None,
    location: str = "",
    community_agreement: str = "",
    police_called: bool = False,
    ems_called: bool = False,
    emergency_services_reason: str = "",
    parties: Sequence[dict[str, Any]] = (),
    owner: User | None = None,
    issue_tracking_code: bool = False,
) -> Case:
    """Open a case under the policy in force now. Its acknowledgement and response due dates
    come from that policy version and never move when the policy changes later.

    `parties`: [{"role": ..., "participant": Participant} or {"role": ..., "staff_user": User}].
    """
    role = require_member(actor)
    policy = current_policy()
    check_step("report_case", state=None, role=role, policy=policy)
    if owner is not None:
        require_member(owner, field="owner")
    reported_at = not_in_future(reported_at or timezone.now(), field="reported_at")
    if occurred_at is not None and occurred_at > reported_at:
        raise WorkflowError(
            _("It cannot have happened after it was reported."), field="occurred_at"
        )
    if issue_tracking_code and kind != CaseKind.COMPLAINT:
        raise WorkflowError(_("Only complaints get a tracking code."), field="kind")
    case = Case(
        kind=kind,
        occurred_at=occurred_at,
        reported_at=reported_at,
        location=location or "",
        narrative=(narrative or "").strip(),
        categories=sorted(set(categories or [])),
        severity=severity,
        severity_assessed_at=reported_at,
        community_agreement=community_agreement or "",
        police_called=police_called,
        ems_called=ems_called,
        emergency_services_reason=(emergency_services_reason or "").strip(),
        policy_version=policy,
        acknowledgement_due_at=reported_at + timedelta(days=policy.acknowledgement_window_days),
        response_due_at=reported_at + timedelta(days=policy.response_window_days),
        owner=owner or actor,
        reported_by=actor,
        tracking_code=new_tracking_code() if issue_tracking_code else None,
    )
    if not case.narrative:
        raise WorkflowError(_("Describe what happened."), field="narrative")
    if not case.categories:
        raise WorkflowError(_("Choose at least one category."), field="categories")
    if (police_called or ems_called) and not case.emergency_services_reason:
        raise WorkflowError(
            _("Say why police or EMS were called."), field="emergency_services_reason"
        )
    validate(case, exclude=["policy_version", "owner", "reported_by"])
    case.id = take_case_number()
    case.save(force_insert=True)
    record_event(
        case=case,
        actor=actor,
        action="report_case",
        before={},
        after={
            "state": case.state,
            "kind": kind,
            "severity": severity,
            "categories": case.categories,
            "policy_version": policy.number,
            "acknowledgement_due_at": case.acknowledgement_due_at,
            "response_due_at": case.response_due_at,
            "beyond_recommendation": policy.beyond_recommendation,
        },
        sync_reminders=False,
    )
    for party in parties:
        _add_party(case=case, actor=actor, sync_reminders=False, **party)
    sync_case_reminders(case)
    return case


def _check_staff_party(case: Case, actor: User | None, staff_user: User) -> None:
    """A staff member named as a party no longer sees the case (workflow.access): they cannot
    be the one recording it, nor its owner."""
    if actor is not None and staff_user.pk == actor.pk:
        raise ConflictOfInterest(
            _(
                "You cannot name yourself as a party: a party does not see or run the case. "
                "Ask a colleague who is not involved to add you."
            ),
            field="staff_user",
        )
    if staff_user.pk == case.owner_id:
        raise ConflictOfInterest(
            _("%(who)s owns this case; a party cannot. Give the case another owner first.")
            % {"who": staff_user},
            field="staff_user",
        )


def _add_party(
    *,
    case: Case,
    actor: User | None,
    role: str,
    participant: Participant | None = None,
    staff_user: User | None = None,
    represents: CaseParty | None = None,
    sync_reminders: bool = True,
) -> CaseParty:
    if role not in PartyRole.values:
        raise WorkflowError(_("Choose a role for this party."), field="role")
    if (participant is None) == (staff_user is None):
        raise WorkflowError(
            _("Name either a participant or a staff member, not both."), field="participant"
        )
    if staff_user is not None:
        require_member(staff_user, field="staff_user")
        _check_staff_party(case, actor, staff_user)
        officials = {
            "investigator": getattr(getattr(case, "investigation", None), "investigator_id", None),
            "decider": getattr(getattr(case, "decision", None), "decided_by_id", None),
        }
        if staff_user.pk in officials.values() or case.appeals.filter(reviewer=staff_user).exists():
            raise ConflictOfInterest(
                _(
                    "%(who)s is investigating, deciding or reviewing this case and cannot also "
                    "be a party."
                )
                % {"who": staff_user},
                field="staff_user",
            )
    if (role == PartyRole.REPRESENTATIVE) != (represents is not None):
        raise WorkflowError(
            _("A representative speaks for one party: choose whom they represent.")
            if role == PartyRole.REPRESENTATIVE
            else _("Only a representative represents someone."),
            field="represents",
        )
    if represents is not None and represents.case_id != case.pk:
        raise WorkflowError(_("Choose a party of this case."), field="represents")
    duplicate = CaseParty.objects.filter(case=case, role=role)
    duplicate = (
        duplicate.filter(participant=participant)
        if participant
        else duplicate.filter(staff_user=staff_user)
    )
    if duplicate.exists():
        raise WorkflowError(_("This person already has this role in the case."), field="role")
    party = CaseParty.objects.create(
        case=case,
        role=role,
        kind=PartyKind.PARTICIPANT if participant is not None else PartyKind.STAFF,
        participant=participant,
        staff_user=staff_user,
        represents=represents,
    )
    record_event(
        case=case,
        actor=actor,
        action="add_party",
        after={
            "party": party.pk,
            "role": role,
            "participant": getattr(participant, "code", None),
            "staff_user": getattr(staff_user, "pk", None),
            "represents": getattr(represents, "pk", None),
        },
        sync_reminders=sync_reminders,
    )
    return party


@transaction.atomic
def add_party(
    *,
    actor: User,
    case: Case,
    role: str,
    participant: Participant | None = None,
    staff_user: User | None = None,
    represents: CaseParty | None = None,
) -> CaseParty:
    case, _step = begin_step("add_party", actor=actor, case=case)
    return _add_party(
        case=case,
        actor=actor,
        role=role,
        participant=participant,
        staff_user=staff_user,
        represents=represents,
    )


@transaction.atomic
def assign_owner(*, actor: User, case: Case, owner: User) -> Case:
    case, step = begin_step("assign_owner", actor=actor, case=case)
    require_member(owner, field="owner")
    ensure_impartial(case, owner, duty=_("owner"), field="owner")
    before = case.owner_id
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"owner": before},
        after={"owner": owner.pk},
    )
    return case


@transaction.atomic
def assess_severity(*, actor: User, case: Case, severity: str, note: str = "") -> Case:
    """Set how serious the case is: a participant's complaint arrives unassessed, and a first
    judgement may need changing as the facts come in. Ban lengths by severity follow it."""
    case, step = begin_step("assess_severity", actor=actor, case=case)
    if severity not in Severity.values:
        raise WorkflowError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Severity.values)},
            field="severity",
        )
    before = {"severity": case.severity, "assessed": case.severity_assessed_at is not None}
    case.severity = severity
    case.severity_assessed_at = timezone.now()
    case.save(update_fields=["severity", "severity_assessed_at", "updated_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before=before,
        after={"severity": severity, "note": (note or "").strip()},
    )
    return case


@transaction.atomic
def record_low_level_response(
    *,
    actor: User,
    what_happened: str,
    response: str = "",
    participant: Participant | None = None,
    occurred_at: datetime | None = None,
    location: str = "",
    welcome_back_on: date | None = None,
) -> LowLevelResponse:
    """“Asked to leave, welcome back tomorrow”: kept on record without opening a case."""
    check_step(
        "record_low_level_response", state=None, role=require_member(actor), policy=current_policy()
    )
    occurred_at = not_in_future(occurred_at or timezone.now(), field="occurred_at")
    if participant is not None and not isinstance(participant, Participant):
        raise WorkflowError(_("Choose a participant."), field="participant")
    record = LowLevelResponse(
        participant=participant,
        occurred_at=occurred_at,
        location=location or "",
        what_happened=(what_happened or "").strip(),
        response=(response or "").strip() or str(_("Asked to leave; welcome back tomorrow.")),
        welcome_back_on=welcome_back_on or (timezone.localdate(occurred_at) + timedelta(days=1)),
        recorded_by=actor,
    )
    if not record.what_happened:
        raise WorkflowError(_("Say briefly what happened."), field="what_happened")
    validate(record, exclude=["recorded_by", "participant"])
    record.save()
    return record
