"""Read paths that need care: the whole case record for export, and the due items a reminder
scheduler needs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import prefetch_related_objects
from django.utils import timezone

from workflow.models import Case, CaseEvent, FollowUpStatus, SupplyContact

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from django.db.models import QuerySet


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def export_case_record(case: Case) -> dict[str, Any]:
    """Everything on record about one case, each part in the order it happened. Participants
    appear by code and alias only."""
    case = Case.objects.select_related("policy_version").get(pk=case.pk)
    decision = getattr(case, "decision", None)
    investigation = getattr(case, "investigation", None)
    now = timezone.now()
    return {
        "case": {
            "id": case.pk,
            "kind": case.kind,
            "state": case.state,
            "occurred_at": case.occurred_at,
            "reported_at": case.reported_at,
            "location": case.location,
            "narrative": case.narrative,
            "categories": case.categories,
            "severity": case.severity,
            "community_agreement": case.community_agreement,
            "police_called": case.police_called,
            "ems_called": case.ems_called,
            "emergency_services_reason": case.emergency_services_reason,
            "policy_version": case.policy_version.number,
            "acknowledgement_due_at": case.acknowledgement_due_at,
            "acknowledgement_status": case.acknowledgement_status(now),
            "response_due_at": case.response_due_at,
            "response_status": case.response_status(now),
            "acknowledged_at": case.acknowledged_at,
            "responded_at": case.responded_at,
            "owner": case.owner_id,
            "ended_at": case.ended_at,
            "ending_reason": case.ending_reason,
        },
        "parties": _rows(
            case.parties.order_by("id"),
            "id",
            "role",
            "kind",
            "participant__code",
            "participant__alias",
            "staff_user_id",
            "name",
            "represents_id",
            "added_at",
        ),
        "bans": _rows(
            case.bans.order_by("starts_at", "id"),
            "id",
            "participant__code",
            "starts_at",
            "ends_at",
            "max_days",
            "reason",
            "supply_access_plan",
            "supply_access_details",
            "imposed_by_id",
            "paused_since",
            "ended_early_at",
            "ended_early_reason",
            "replaced_at",
            "replaced_by_id",
            "replaced_reason",
            "replaced_by_ban_id",
        ),
        "supply_contacts": _rows(
            SupplyContact.objects.filter(ban__case=case).order_by("reached_on", "id"),
            "id",
            "ban_id",
            "reached_on",
            "method",
            "given_by_id",
            "note",
            "recorded_at",
        ),
        "notices": _rows(
            case.notices.order_by("id"),
            "id",
            "party_id",
            "kind",
            "text",
            "generated_at",
            "delivery_method",
            "delivered_at",
            "delivered_by_id",
        ),
        "investigation": None
        if investigation is None
        else {
            "investigator": investigation.investigator_id,
            "started_at": investigation.started_at,
            "context_notes": investigation.context_notes,
            "contributing_factors": investigation.contributing_factors,
            "other_factor": investigation.other_factor,
        },
        "statements": _rows(
            case.statements.order_by("given_at", "id"),
            "id",
            "party_id",
            "given_at",
            "content",
            "recorded_by_id",
        ),
        "evidence": [
            {"id": str(e["id"]), **{k: v for k, v in e.items() if k != "id"}}
            for e in _rows(
                case.evidence.order_by("uploaded_at"),
                "id",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "description",
                "uploaded_by_id",
                "uploaded_at",
            )
        ],
        "hearings": [
            {
                "id": h.pk,
                "scheduled_for": h.scheduled_for,
                "location": h.location,
                "facilitator": h.facilitator_id,
                "held_at": h.held_at,
                "attendees": [p.pk for p in h.attendees.all()],
                "panelists": [p.code for p in h.panelists.all()],
                "harmed_person_heard": h.harmed_person_heard,
                "not_heard_reason": h.not_heard_reason,
                "outcome_notes": h.outcome_notes,
                "cancelled_at": h.cancelled_at,
                "cancel_reason": h.cancel_reason,
            }
            for h in case.hearings.order_by("scheduled_for", "id")
        ],
        "consents": _rows(
            case.consents.order_by("given_at", "id"),
            "id",
            "party_id",
            "given_at",
            "withdrawn_at",
            "withdrawal_note",
        ),
        "decision": None
        if decision is None
        else {
            "decided_by": decision.decided_by_id,
            "decided_at": decision.decided_at,
            "reasons": decision.reasons,
            "harmed_person_heard": decision.harmed_person_heard,
            "not_heard_reason": decision.not_heard_reason,
            "contributing_factors": decision.contributing_factors,
            "appeal_deadline": decision.appeal_deadline,
        },
        "plans": [
            {
                "version": plan.version,
                "origin": plan.origin,
                "appeal": plan.appeal_id,
                "summary": plan.summary,
                "community_impact": plan.community_impact,
                "created_at": plan.created_at,
                "superseded_at": plan.superseded_at,
                "actions": _rows(
                    plan.actions.order_by("id"),
                    "id",
                    "kind",
                    "description",
                    "for_party_id",
                    "owner_id",
                    "due_date",
                    "status",
                    "status_note",
                    "restitution_amount",
                    "restitution_goods",
                    "restitution_tracking",
                    "ban_id",
                ),
            }
            for plan in case.plans.order_by("version")
        ],
        "follow_ups": _rows(
            case.follow_ups.order_by("due_at", "id"),
            "id",
            "kind",
            "due_at",
            "status",
            "done_at",
            "notes",
            "waive_reason",
        ),
        "appeals": _rows(
            case.appeals.order_by("level"),
            "id",
            "level",
            "filed_by_id",
            "filed_at",
            "window_closed_at",
            "grounds",
            "reviewer_id",
            "decided_at",
            "outcome",
            "outcome_reasons",
            "reasons_for_parties",
        ),
        "timeline": _rows(
            CaseEvent.objects.filter(case=case).order_by("seq"),
            "seq",
            "at",
            "actor_id",
            "action",
            "before",
            "after",
            "prev_hash",
            "hash",
        ),
    }


# Restorative actions are due on a date: remind their owner that morning.
ACTION_REMINDER_TIME = time(9, 0)

# What each kind of reminder point reads besides the case row. reminder_cases fetches, for
# many cases at once, only what the kinds asked for need: the reminder worker re-checks a batch
# that is often of one or two kinds, and each relation costs a query per batch.
POINT_RELATIONS = {
    "acknowledgement_due": (),
    "response_due": (),
    "hearing_upcoming": ("hearings",),
    "appeal_window_closing": ("policy_version", "decision", "appeals"),
    "appeal_decision_due": ("policy_version", "appeals"),
    "ban_ending": ("bans",),
    # Supplies logged under any of the person's bans (another case's included) count.
    "supply_gap": ("policy_version", "bans__participant__bans__supply_contacts"),
    "restorative_action_due": ("plans__actions",),
    "follow_up_due": ("follow_ups",),
    "community_check_in": ("follow_ups",),
}
SINGLE_RELATIONS = {"policy_version", "decision"}  # joined (select_related), not prefetched


def _relations(kinds: Iterable[str] | None) -> set[str]:
    kinds = POINT_RELATIONS if kinds is None else kinds
    return {relation for kind in kinds for relation in POINT_RELATIONS[kind]}


def reminder_cases(
    case_ids: Iterable[int], *, kinds: Iterable[str] | None = None
) -> dict[int, Case]:
    """{case id: case} with everything reminder_points reads for these point kinds (all kinds
    if None), in a fixed number of queries for any number of cases."""
    relations = _relations(kinds)
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related(*sorted(relations & SINGLE_RELATIONS))
        .prefetch_related(*sorted(relations - SINGLE_RELATIONS))
    )
    return {case.pk: case for case in cases}


def prefetch_reminder_relations(
    cases: Iterable[Case], *, kinds: Iterable[str] | None = None
) -> None:
    """For cases already read (the reminder worker reads them as it locks them): fetch what
    reminder_points reads for these point kinds, one query per relation for all the cases."""
    prefetch_related_objects(list(cases), *sorted(_relations(kinds)))


def reminder_points_many(case_ids: Iterable[int]) -> dict[int, list[Any]]:
    """{case id: reminder_points(case)} for many cases at once."""
    return {pk: reminder_points(case) for pk, case in reminder_cases(case_ids).items()}


def reminder_points(case: Case, *, kinds: Iterable[str] | None = None) -> list[Any]:
    """[(kind, due_at, reference)] still ahead for an open case: what a reminder scheduler
    should hold. Call it after each step that changes the case (the steps' return values
    carry the case) and replace the case's pending reminders with its result.

    `kinds` limits the answer to those point kinds (all if None); only the related rows they
    need are read (POINT_RELATIONS), with .all() and filtered here, so a prefetch serves them."""
    kinds = set(POINT_RELATIONS) if kinds is None else set(kinds)
    if not case.is_open:
        # A closed case's ban runs to its end: it is still to be lifted and supplied. (An
        # ended case's bans end with it, so they give no points.)
        kinds &= BAN_POINTS
    points = []
    if "acknowledgement_due" in kinds and case.acknowledged_at is None:
        points.append(("acknowledgement_due", case.acknowledgement_due_at, case.pk))
    if "response_due" in kinds and case.responded_at is None:
        points.append(("response_due", case.response_due_at, case.pk))
    if "hearing_upcoming" in kinds:
        for hearing in case.hearings.all():
            if hearing.is_pending:  # not held, not cancelled
                points.append(("hearing_upcoming", hearing.scheduled_for, hearing.pk))
    if kinds & {"appeal_window_closing", "appeal_decision_due"}:
        points += _appeal_points(case, kinds)
    if kinds & BAN_POINTS:
        points += _ban_points(case, kinds)
    if "restorative_action_due" in kinds:
        current = [plan for plan in case.plans.all() if plan.superseded_at is None]
        for action in current[0].actions.all() if current else ():
            if action.status in ("planned", "in_progress"):
                due = timezone.make_aware(datetime.combine(action.due_date, ACTION_REMINDER_TIME))
                points.append(("restorative_action_due", due, action.pk))
    if kinds & {"follow_up_due", "community_check_in"}:
        for follow_up in case.follow_ups.all():
            if follow_up.status == FollowUpStatus.PENDING:
                kind = (
                    "community_check_in"
                    if follow_up.kind == "community_check_in"
                    else "follow_up_due"
                )
                if kind in kinds:
                    points.append((kind, follow_up.due_at, follow_up.pk))
    return points


BAN_POINTS = frozenset({"ban_ending", "supply_gap"})


def _ban_points(case: Case, kinds: Iterable[str]) -> list[Any]:
    now = timezone.now()
    points = []
    for ban in case.bans.all():
        if not ban.is_running(now):
            continue
        if "ban_ending" in kinds and ban.replaced_at is None:
            # A ban replaced later is not lifted then: the ban replacing it takes over.
            points.append(("ban_ending", ban.ends_at, ban.pk))
        if "supply_gap" in kinds and ban.paused_since is None:
            days = [
                contact.reached_on
                for other in ban.participant.bans.all()
                for contact in other.supply_contacts.all()
            ]
            late = ban.supply_gap_at(case.policy_version.supply_contact_every_days, days)
            if late < ban.effective_end:
                points.append(("supply_gap", late, ban.pk))
    return points


def _appeal_points(case: Case, kinds: Iterable[str]) -> list[Any]:
    points = []
    appeals = sorted(case.appeals.all(), key=lambda a: a.level)
    policy = case.policy_version
    if "appeal_window_closing" in kinds:
        decision = getattr(case, "decision", None)
        if decision is not None and all(a.decided_at is not None for a in appeals):
            # The next appeal can still be filed: the first after the decision, a further level
            # after the previous appeal's outcome (the same rule as appeal_window_closes_at).
            if not appeals:
                points.append(("appeal_window_closing", decision.appeal_deadline, case.pk))
            elif len(appeals) < policy.appeal_levels:
                last_decided = appeals[-1].decided_at
                assert last_decided is not None  # every appeal is decided (above)
                closes = last_decided + timedelta(days=policy.appeal_window_days)
                points.append(("appeal_window_closing", closes, appeals[-1].pk))
    if "appeal_decision_due" in kinds:
        for appeal in appeals:
            if appeal.decided_at is None:
                # An appeal is answered within the policy's response window from filing.
                due = appeal.filed_at + timedelta(days=policy.response_window_days)
                points.append(("appeal_decision_due", due, appeal.pk))
    return points
