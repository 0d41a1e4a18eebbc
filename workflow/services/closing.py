"""Follow-ups, closing a case, and ending it early (withdrawn or resolved early)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summaries.services import mark_summaries_dirty
from workflow.dates import day
from workflow.errors import NeedsChoice, WorkflowError
from workflow.models import FollowUp, FollowUpStatus
from workflow.services._base import begin_step, move_to, record_event, required_text
from workflow.services.safety import end_bans

if TYPE_CHECKING:
    from collections.abc import Sequence

    from accounts.models import User
    from workflow.models import Ban, Case


def _pending_follow_up(case: Case, follow_up: FollowUp) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, case=case)
    if follow_up.status != FollowUpStatus.PENDING:
        raise WorkflowError(
            _("This follow-up is already %(status)s.")
            % {"status": follow_up.get_status_display().lower()}
        )
    return follow_up


@transaction.atomic
def complete_follow_up(*, actor: User, follow_up: FollowUp, notes: str = "") -> FollowUp:
    case, step = begin_step("complete_follow_up", actor=actor, case=follow_up.case)
    follow_up = _pending_follow_up(case, follow_up)
    follow_up.status, follow_up.done_at, follow_up.done_by = (
        FollowUpStatus.DONE,
        timezone.now(),
        actor,
    )
    follow_up.notes = notes or ""
    follow_up.save(update_fields=["status", "done_at", "done_by", "notes"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"status": "pending"},
        after={"follow_up": follow_up.pk, "kind": follow_up.kind, "status": "done"},
    )
    return follow_up


@transaction.atomic
def waive_follow_up(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    case, step = begin_step("waive_follow_up", actor=actor, case=follow_up.case)
    follow_up = _pending_follow_up(case, follow_up)
    reason = required_text(reason, field="reason", message=_("Say why this follow-up is waived."))
    follow_up.status, follow_up.done_at, follow_up.done_by = (
        FollowUpStatus.WAIVED,
        timezone.now(),
        actor,
    )
    follow_up.waive_reason = reason
    follow_up.save(update_fields=["status", "done_at", "done_by", "waive_reason"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"status": "pending"},
        after={"follow_up": follow_up.pk, "status": "waived", "reason": reason},
    )
    return follow_up


def _running_bans_message(bans: Sequence[Ban]) -> str:
    listed = "; ".join(
        _("%(who)s until %(end)s") % {"who": b.participant.code, "end": day(b.effective_end)}
        for b in bans
    )
    return _(
        "A ban of this case is still running: %(bans)s. Closing leaves it running to that "
        "date (end it early first if it should stop). Confirm to close anyway."
    ) % {"bans": listed}


@transaction.atomic
def close_case(*, actor: User, case: Case, confirm_running_bans: bool = False) -> Case:
    """Close once every follow-up is done or waived with a reason. A ban still running is said
    first, and closing needs the person's confirmation; the ban then runs to its end."""
    case, step = begin_step("close_case", actor=actor, case=case)
    pending = case.follow_ups.filter(status=FollowUpStatus.PENDING).count()
    if pending:
        raise WorkflowError(
            _(
                "%(n)s follow-up(s) are still pending: complete each, or waive it with a reason, "
                "before closing."
            )
            % {"n": pending}
        )
    running = list(case.bans.running().select_related("participant"))
    if running and not confirm_running_bans:
        raise NeedsChoice(
            _running_bans_message(running),
            field="confirm_running_bans",
            details={
                "running_bans": [
                    {"ban": b.pk, "participant": b.participant.code, "ends_at": b.effective_end}
                    for b in running
                ]
            },
        )
    case.ended_at = timezone.now()
    before = move_to(case, step, extra_fields=["ended_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={
            "state": case.state,
            "ended_at": case.ended_at,
            "bans_still_running": [b.pk for b in running],
        },
    )
    mark_summaries_dirty()
    return case


def _end_early(step_name: str, *, actor: User, case: Case, reason: str) -> Case:
    case, step = begin_step(step_name, actor=actor, case=case)
    reason = required_text(reason, field="reason", message=_("Give the reason."))
    now = timezone.now()
    case.ended_at, case.ending_reason = now, reason
    if case.responded_at is None:
        case.responded_at = now
    ended = end_bans(case=case, reason=reason, now=now)
    before = move_to(case, step, extra_fields=["ended_at", "ending_reason", "responded_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={"state": case.state, "reason": reason, "ended_bans": ended},
    )
    # An ended case changes the summaries just as a closed one does.
    mark_summaries_dirty()
    return case


@transaction.atomic
def withdraw_case(*, actor: User, case: Case, reason: str) -> Case:
    return _end_early("withdraw_case", actor=actor, case=case, reason=reason)


@transaction.atomic
def resolve_early(*, actor: User, case: Case, reason: str) -> Case:
    return _end_early("resolve_early", actor=actor, case=case, reason=reason)


@transaction.atomic
def finish_follow_ups(
    *,
    actor: User,
    case: Case,
    done: Sequence[FollowUp] = (),
    waived: Sequence[FollowUp] = (),
    reason: str = "",
    notes: str = "",
) -> None:
    """Several follow-ups at once: some done, some waived with one reason that covers them
    (waiving stays for leads: the single-step rules apply to each)."""
    case, _step = begin_step("finish_follow_ups", actor=actor, case=case)
    if not done and not waived:
        raise WorkflowError(_("Choose at least one follow-up."))
    if any(f.case_id != case.pk for f in (*done, *waived)):
        raise WorkflowError(_("Only this case's follow-ups can be marked here."))
    if set(done) & set(waived):
        raise WorkflowError(_("A follow-up is either done or waived, not both."))
    for follow_up in done:
        complete_follow_up(actor=actor, follow_up=follow_up, notes=notes)
    for follow_up in waived:
        waive_follow_up(actor=actor, follow_up=follow_up, reason=reason)
