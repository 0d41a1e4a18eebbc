"""Deciding a case: the decision, its restoration plan, follow-ups from the policy, and the
decision notice with the appeal deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.models import (
    ActionStatus,
    ContributingFactor,
    Decision,
    FollowUp,
    FollowUpKind,
    Hearing,
    Investigation,
    NoticeKind,
    RestorativeAction,
)
from workflow.services._base import begin_step, ensure_impartial, move_to, record_event
from workflow.services.hearing import check_heard
from workflow.services.notices import decision_notice_text, issue_notices
from workflow.services.plans import bans_replaced_by, build_plan, plan_summary

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from typing import Any

    from accounts.models import User
    from tenants.models import PolicyVersion
    from workflow.models import Case


def follow_up_schedule(policy: PolicyVersion, decided_at: datetime) -> list[tuple[str, datetime]]:
    """[(kind, due_at)]: follow-ups on the policy's days, and community-restoration check-ins
    at its cadence up to the last follow-up."""
    items = [
        (FollowUpKind.FOLLOW_UP, decided_at + timedelta(days=d)) for d in policy.follow_up_days
    ]
    last = max(policy.follow_up_days)
    day = policy.community_check_in_days
    while day <= last:
        items.append((FollowUpKind.COMMUNITY_CHECK_IN, decided_at + timedelta(days=day)))
        day += policy.community_check_in_days
    return sorted(items, key=lambda item: item[1])


@transaction.atomic
def decide_case(
    *,
    actor: User,
    case: Case,
    reasons: str,
    actions: Sequence[dict[str, Any]] = (),
    harmed_person_heard: bool | None = None,
    not_heard_reason: str = "",
    contributing_factors: Sequence[str] | None = None,
    summary: str = "",
    community_impact: str = "",
) -> Decision:
    """Decide by someone the policy allows who is not a party. Whether the harmed person was
    heard defaults to the last hearing's outcome; contributing factors default to the
    investigation's."""
    case, step = begin_step("decide_case", actor=actor, case=case)
    ensure_impartial(case, actor, duty=_("decider"), field="decided_by")
    reasons = (reasons or "").strip()
    if not reasons:
        raise WorkflowError(_("Give the reasons for the decision."), field="reasons")
    if harmed_person_heard is None:
        held = Hearing.objects.filter(case=case, held_at__isnull=False).order_by("-held_at")
        last = held.first()
        if last is not None:
            harmed_person_heard, not_heard_reason = (
                last.harmed_person_heard,
                last.not_heard_reason,
            )
    heard, not_heard_reason = check_heard(harmed_person_heard, not_heard_reason)
    if contributing_factors is None:
        investigation = Investigation.objects.filter(case=case).first()
        contributing_factors = investigation.contributing_factors if investigation else []
    factors = sorted(set(contributing_factors))
    if set(factors) - set(ContributingFactor.values):
        raise WorkflowError(_("Unknown contributing factor."), field="contributing_factors")
    policy = case.policy_version
    now = timezone.now()
    decision = Decision.objects.create(
        case=case,
        decided_by=actor,
        decided_at=now,
        reasons=reasons,
        harmed_person_heard=heard,
        not_heard_reason=not_heard_reason,
        contributing_factors=factors,
        appeal_deadline=now + timedelta(days=policy.appeal_window_days),
    )
    plan, _previous = build_plan(
        case=case,
        actor=actor,
        actions=actions,
        summary=summary,
        community_impact=community_impact,
        now=now,
    )
    FollowUp.objects.bulk_create(
        FollowUp(case=case, kind=kind, due_at=due_at)
        for kind, due_at in follow_up_schedule(policy, now)
    )
    notices = issue_notices(
        case=case,
        kind=NoticeKind.DECISION,
        text_for=lambda party: decision_notice_text(case, decision, party),
    )
    if case.responded_at is None:
        case.responded_at = now
    before = move_to(case, step, extra_fields=["responded_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={
            "state": case.state,
            "decision": decision.pk,
            "decided_by": actor.pk,
            "harmed_person_heard": heard,
            "not_heard_reason": not_heard_reason,
            "contributing_factors": factors,
            "appeal_deadline": decision.appeal_deadline,
            "plan": plan_summary(plan),
            "replaced_bans": bans_replaced_by(plan),
            "notices": notices,
            "follow_ups": list(case.follow_ups.values_list("due_at", flat=True)),
        },
    )
    return decision


@transaction.atomic
def begin_restoration(*, actor: User, case: Case) -> Case:
    case, step = begin_step("begin_restoration", actor=actor, case=case)
    before = move_to(case, step)
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={"state": case.state},
    )
    return case


@transaction.atomic
def update_action_status(
    *, actor: User, action: RestorativeAction, status: str, note: str = ""
) -> RestorativeAction:
    case, step = begin_step("update_action_status", actor=actor, case=action.plan.case)
    action = (
        RestorativeAction.objects.select_for_update()
        .select_related("plan")
        .get(pk=action.pk, plan__case=case)
    )
    if action.plan.superseded_at is not None:
        raise WorkflowError(
            _(
                "This action belongs to a plan that was replaced on appeal; "
                "update the current plan instead."
            )
        )
    if status not in ActionStatus.values:
        raise WorkflowError(_("Choose a status."), field="status")
    before = action.status
    action.status, action.status_note = status, note or ""
    action.save(update_fields=["status", "status_note"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"status": before},
        after={"action": action.pk, "status": status, "note": action.status_note},
    )
    return action
