"""Building a restoration plan version: its restorative and community actions, and any
temporary ban it includes. Used by `decide_case` and by `decide_appeal` (modified plans)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflow.errors import WorkflowError
from workflow.models import (
    RESTITUTION_MINIMUM,
    ActionKind,
    Ban,
    PlanOrigin,
    RestorationPlan,
    RestorativeAction,
)
from workflow.services._base import ensure_impartial, party_of, require_member, validate
from workflow.services.safety import build_ban

# Said by this service and by the plan form (which offers no less than the minimum either).
RESTITUTION_TOO_SMALL = gettext_lazy(
    "Give an amount above 0, or leave the amount empty and say what goods are owed."
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from decimal import Decimal
    from typing import Any

    from accounts.models import User
    from tenants.models import Participant
    from workflow.models import Appeal, Case, CaseParty


def build_plan(
    *,
    case: Case,
    actor: User,
    actions: Sequence[dict[str, Any]],
    summary: str = "",
    community_impact: str = "",
    appeal: Appeal | None = None,
    now: datetime | None = None,
) -> tuple[RestorationPlan, RestorationPlan | None]:
    """Supersede the current plan (if any) and add the next version; both stay on record. A ban
    in the new plan replaces the person's current ban in the case (the immediate one, or the
    previous plan's) from its start."""
    now = now or timezone.now()
    current = RestorationPlan.objects.filter(case=case, superseded_at__isnull=True).first()
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    version = (current.version if current else 0) + 1
    plan = RestorationPlan.objects.create(
        case=case,
        version=version,
        origin=PlanOrigin.APPEAL if appeal else PlanOrigin.DECISION,
        appeal=appeal,
        summary=summary or "",
        community_impact=community_impact or "",
        created_by=actor,
        created_at=now,
    )
    for index, spec in enumerate(actions or []):
        try:
            _build_action(case=case, actor=actor, plan=plan, **spec)
        except WorkflowError as exc:
            exc.field = f"actions[{index}].{exc.field}" if exc.field else f"actions[{index}]"
            raise
        except TypeError as exc:
            raise WorkflowError(
                _("Action %(n)s has an unknown setting.") % {"n": index + 1},
                field=f"actions[{index}]",
            ) from exc
    return plan, current


def _build_action(
    *,
    case: Case,
    actor: User,
    plan: RestorationPlan,
    kind: str,
    owner: User,
    due_date: date,
    description: str = "",
    for_party: CaseParty | None = None,
    restitution_amount: Decimal | None = None,
    restitution_goods: str = "",
    restitution_tracking: str = "",
    ban: dict[str, Any] | None = None,
) -> RestorativeAction:
    if kind not in ActionKind.values:
        raise WorkflowError(_("Choose the kind of action."), field="kind")
    require_member(owner, field="owner")
    # The owner is reminded and follows the action up: a party would not see the case.
    ensure_impartial(case, owner, duty=_("action owner"), field="owner")
    if for_party is not None:
        party_of(case, for_party, field="for_party")
    ban_row = None
    if kind == ActionKind.TEMPORARY_BAN:
        if for_party is None or for_party.participant_id is None or not ban:
            raise WorkflowError(
                _(
                    "A temporary ban needs the participant it applies to, its length and a "
                    "supply access plan."
                ),
                field="ban",
            )
        if ban.get("keep_current"):
            ban_row = _current_ban(case, for_party.participant, ban)
        else:
            ban_row = build_ban(
                case=case,
                actor=actor,
                participant=for_party.participant,
                reason=ban.get("reason") or plan_reason(plan),
                replaces_reason=replaced_by_plan_reason(plan, actor),
                **_ban_terms(ban),
            )
    elif ban:
        raise WorkflowError(_("Only a temporary ban action has ban terms."), field="ban")
    if kind == ActionKind.RESTITUTION and restitution_amount is None and not restitution_goods:
        raise WorkflowError(
            _("Say what restitution is owed: an amount or goods."), field="restitution_amount"
        )
    if restitution_amount is not None and restitution_amount < RESTITUTION_MINIMUM:
        raise WorkflowError(str(RESTITUTION_TOO_SMALL), field="restitution_amount")
    action = RestorativeAction(
        plan=plan,
        kind=kind,
        owner=owner,
        due_date=due_date,
        description=description or "",
        for_party=for_party,
        restitution_amount=restitution_amount,
        restitution_goods=restitution_goods or "",
        restitution_tracking=restitution_tracking or "",
        ban=ban_row,
    )
    validate(action, exclude=["plan", "owner", "for_party", "ban"])
    action.save()
    return action


def _current_ban(case: Case, participant: Participant | None, terms: dict[str, Any]) -> Ban | None:
    """The person's running ban in this case, kept as it is by the new plan."""
    if any(terms.get(name) for name in ("days", "ends_at", "starts_at")):
        raise WorkflowError(
            _("Either keep the current ban as it is, or give new terms: not both."), field="ban"
        )
    current = (
        Ban.objects.running()
        .filter(case=case, participant=participant, replaced_at__isnull=True)
        .first()
    )
    if current is None:
        raise WorkflowError(
            _("This person has no running ban in this case to keep; give the ban's length."),
            field="ban",
        )
    return current


def _ban_terms(ban: dict[str, Any]) -> dict[str, Any]:
    allowed = {
        "days",
        "ends_at",
        "starts_at",
        "supply_access_plan",
        "supply_access_details",
        "other_bans",
    }
    return {key: value for key, value in ban.items() if key in allowed}


def plan_reason(plan: RestorationPlan) -> str:
    return str(_("Part of restoration plan version %(v)s.") % {"v": plan.version})


def replaced_by_plan_reason(plan: RestorationPlan, actor: User) -> str:
    if plan.appeal_id is not None:
        return str(
            _("Replaced on appeal: %(who)s modified the plan (version %(v)s).")
            % {"who": actor, "v": plan.version}
        )
    return str(_("Replaced by the decision's ban (plan version %(v)s).") % {"v": plan.version})


def bans_replaced_by(plan: RestorationPlan) -> list[int]:
    """Ids of the bans this plan's bans replaced (shown on the timeline with the step)."""
    return list(
        Ban.objects.filter(replaced_by_ban__in=plan.actions.exclude(ban=None).values("ban"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def plan_summary(plan: RestorationPlan) -> dict[str, Any]:
    return {
        "plan": plan.pk,
        "version": plan.version,
        "origin": plan.origin,
        "actions": [
            {
                "kind": a.kind,
                "owner": a.owner_id,
                "due_date": a.due_date,
                "for_party": a.for_party_id,
                "ban": a.ban_id,
            }
            for a in plan.actions.all()
        ],
    }
