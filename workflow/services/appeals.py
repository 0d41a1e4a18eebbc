"""Appeals under the case's policy: filed by a party within the window, reviewed by someone the
policy allows who neither decided the case nor is a party to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.dates import format_when
from workflow.errors import AppealWindowClosed, ConflictOfInterest, WorkflowError
from workflow.models import (
    Appeal,
    AppealOutcome,
    Ban,
    Decision,
    NoticeKind,
    PartyRole,
    RestorationPlan,
)
from workflow.models.decision import next_appeal_closes_at
from workflow.services._base import (
    appeal_grounds_text,
    begin_step,
    ensure_impartial,
    move_to,
    party_of,
    record_event,
    required_text,
)
from workflow.services.notice_texts import may_appeal
from workflow.services.notices import appeal_outcome_notice_text, issue_notices
from workflow.services.plans import bans_replaced_by, build_plan, plan_summary
from workflow.services.safety import end_bans

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from typing import Any

    from accounts.models import User
    from workflow.models import Case, CaseParty
    from workflow.steps.declaration import Step


def appeal_window_closes_at(case: Case) -> datetime:
    """When the next appeal must be filed by: the decision's deadline for the first, and the
    policy's window after the previous appeal's outcome for a further level."""
    appeals = list(case.appeals.order_by("level"))
    return next_appeal_closes_at(Decision.objects.get(case=case), appeals, case.policy_version)


def check_appellant(case: Case, party: CaseParty) -> None:
    """Who may appeal follows the case's policy; a witness, representative or support person
    never appeals in their own name."""
    party_of(case, party, field="party")
    if not may_appeal(party, case.policy_version):
        raise WorkflowError(
            _(
                "A %(role)s cannot appeal under this program's policy. The people who can: "
                "%(roles)s."
            )
            % {
                "role": party.get_role_display().lower(),
                "roles": ", ".join(
                    str(PartyRole(role).label).lower()
                    for role in case.policy_version.appellant_roles
                ),
            },
            field="party",
        )


@transaction.atomic
def file_appeal(
    *, actor: User, case: Case, party: CaseParty, grounds: str, filed_at: datetime | None = None
) -> Appeal:
    case, step = begin_step("file_appeal", actor=actor, case=case)
    return appeal_for_party(
        case=case, step=step, actor=actor, party=party, grounds=grounds, filed_at=filed_at
    )


def appeal_for_party(
    *,
    case: Case,
    step: Step,
    actor: User | None,
    party: CaseParty,
    grounds: str,
    filed_at: datetime | None = None,
    by_party: bool = False,
) -> Appeal:
    """File the appeal (the caller holds the case lock and checked the step). `actor` is the
    staff member who wrote it down, or None when the party filed it on their own page."""
    check_appellant(case, party)
    policy = case.policy_version
    level = case.appeals.count() + 1
    if level > policy.appeal_levels:
        raise WorkflowError(
            _("The program's policy allows %(n)s level(s) of appeal, and they have been used.")
            % {"n": policy.appeal_levels}
        )
    closes_at = appeal_window_closes_at(case)
    filed_at = filed_at or timezone.now()
    if filed_at > closes_at:
        raise AppealWindowClosed(
            _("The appeal window closed on %(date)s; an appeal can no longer be filed.")
            % {"date": format_when(closes_at)},
            closed_at=closes_at,
        )
    appeal = Appeal.objects.create(
        case=case,
        level=level,
        filed_by=party,
        filed_at=filed_at,
        window_closed_at=closes_at,
        grounds=appeal_grounds_text(grounds, message=_("Say what the appeal is about.")),
        recorded_by=actor,
    )
    paused = []
    if policy.pause_ban_during_appeal:
        running = case.bans.running(filed_at).filter(paused_since__isnull=True)
        paused = list(running.values_list("pk", flat=True))
        running.update(paused_since=filed_at)
    before = move_to(case, step)
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={
            "state": case.state,
            "appeal": appeal.pk,
            "level": level,
            "filed_by": party.pk,
            "window_closed_at": closes_at,
            "paused_bans": paused,
            **({"by_party": party.pk, "by": str(party)} if by_party else {}),
        },
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *,
    actor: User,
    appeal: Appeal,
    outcome: str,
    reasons: str,
    reasons_for_parties: str,
    actions: Sequence[dict[str, Any]] | None = None,
    summary: str = "",
    community_impact: str = "",
) -> Appeal:
    """Upheld: the plan stands. Modified: a new plan version replaces it (both stay on
    record). Overturned: the plan is replaced by an empty one and the case's bans end.

    `reasons` are the reviewer's internal notes, for staff; `reasons_for_parties` is what every
    party's appeal-outcome notice says (it must not mention other people's details)."""
    case, step = begin_step("decide_appeal", actor=actor, case=appeal.case)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk, case=case)
    if appeal.decided_at is not None:
        raise WorkflowError(_("This appeal is already decided."))
    ensure_impartial(case, actor, duty=_("appeal reviewer"), field="reviewer")
    if Decision.objects.filter(case=case, decided_by=actor).exists():
        raise ConflictOfInterest(
            _(
                "You decided this case, so you cannot review its appeal. "
                "Ask another reviewer the policy allows."
            ),
            field="reviewer",
        )
    if outcome not in AppealOutcome.values:
        raise WorkflowError(_("Choose upheld, modified or overturned."), field="outcome")
    reasons = required_text(
        reasons, field="reasons", message=_("Give the reasons for the appeal outcome.")
    )
    reasons_for_parties = required_text(
        reasons_for_parties,
        field="reasons_for_parties",
        message=_("Write the reasons the parties will read (kept apart from your notes)."),
    )
    if outcome == AppealOutcome.MODIFIED and not actions:
        raise WorkflowError(_("A modified outcome needs the new plan's actions."), field="actions")
    if outcome != AppealOutcome.MODIFIED and actions:
        raise WorkflowError(_("Only a modified outcome comes with a new plan."), field="actions")
    now = timezone.now()
    appeal.reviewer, appeal.decided_at = actor, now
    appeal.outcome, appeal.outcome_reasons = outcome, reasons
    appeal.reasons_for_parties = reasons_for_parties
    appeal.save(
        update_fields=[
            "reviewer",
            "decided_at",
            "outcome",
            "outcome_reasons",
            "reasons_for_parties",
        ]
    )
    previous = RestorationPlan.objects.filter(case=case, superseded_at__isnull=True).first()
    ended, plan = [], None
    if outcome == AppealOutcome.OVERTURNED:
        ended = end_bans(case=case, reason=str(_("Decision overturned on appeal.")), now=now)
        plan, _old = build_plan(
            case=case,
            actor=actor,
            actions=[],
            appeal=appeal,
            now=now,
            summary=summary or str(_("Decision overturned on appeal.")),
        )
    elif outcome == AppealOutcome.MODIFIED:
        # The new plan's bans replace the old plan's for the same person (build_ban keeps the
        # chain); the old plan's bans for anyone the new plan does not ban end.
        assert previous is not None, "a decided case has a plan"
        old_bans = Ban.objects.filter(
            pk__in=previous.actions.exclude(ban=None).values("ban"), replaced_at__isnull=True
        )
        plan, _old = build_plan(
            case=case,
            actor=actor,
            actions=actions or [],  # never empty here: checked above
            appeal=appeal,
            now=now,
            summary=summary,
            community_impact=community_impact,
        )
        kept = plan.actions.exclude(ban=None).values("ban")
        ended = end_bans(
            case=case,
            bans=old_bans.exclude(pk__in=kept),
            now=now,
            reason=str(_("Plan replaced on appeal.")),
        )
    resumed = list(
        case.bans.running(now).filter(paused_since__isnull=False).values_list("pk", flat=True)
    )
    Ban.objects.filter(pk__in=resumed).update(paused_since=None)
    notices = issue_notices(
        case=case,
        kind=NoticeKind.APPEAL_OUTCOME,
        text_for=lambda party: appeal_outcome_notice_text(appeal, party),
    )
    before = move_to(case, step)
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before, "plan": getattr(previous, "pk", None)},
        after={
            "state": case.state,
            "appeal": appeal.pk,
            "outcome": outcome,
            "reviewer": actor.pk,
            "reasons": reasons,
            "reasons_for_parties": reasons_for_parties,
            "ended_bans": ended,
            "replaced_bans": bans_replaced_by(plan) if plan else [],
            "resumed_bans": resumed,
            "notices": notices,
            "plan": plan_summary(plan) if plan else None,
        },
    )
    return appeal
