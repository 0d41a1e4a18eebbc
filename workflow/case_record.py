"""The whole record of one case, for the API's export and the retirement archive."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from workflow.models import Case, CaseEvent, SupplyContact


def _rows(queryset: QuerySet[Model], *fields: str) -> list[dict[str, Any]]:
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
