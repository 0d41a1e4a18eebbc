"""Temporary bans: imposed at report time as an immediate safety step, or as part of a plan."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.models import Ban, CaseParty
from workflow.services._base import begin_step, record_event, required_text, validate


def build_ban(
    *,
    case,
    actor,
    participant,
    reason,
    supply_access_plan,
    supply_access_details,
    days=None,
    ends_at=None,
    starts_at=None,
):
    """Create a ban row under the case's policy (used by `impose_ban` and by plans). The caller
    holds the case lock and writes the event."""
    policy = case.policy_version
    if (
        participant is None
        or not CaseParty.objects.filter(case=case, participant=participant).exists()
    ):
        raise WorkflowError(
            _("Add this person to the case as a party before banning them."), field="participant"
        )
    starts_at = starts_at or timezone.now()
    if ends_at is None:
        if days is None and case.severity_assessed_at is None:
            # A complaint's placeholder severity must not choose a ban length.
            raise WorkflowError(
                _("Assess the case's severity first, or say how many days the ban lasts."),
                field="days",
            )
        if days is None:
            days = policy.ban_days_by_severity.get(case.severity) or None
        if not days:
            raise WorkflowError(
                _("Choose how many days the ban lasts (at most %(max)s); bans always end.")
                % {"max": policy.max_ban_days},
                field="days",
            )
        if days < 1 or days > policy.max_ban_days:
            raise WorkflowError(
                _("Choose from 1 to %(max)s days: the program's policy allows no longer ban.")
                % {"max": policy.max_ban_days},
                field="days",
            )
        ends_at = starts_at + timedelta(days=days)
    ban = Ban(
        case=case,
        participant=participant,
        starts_at=starts_at,
        ends_at=ends_at,
        max_days=policy.max_ban_days,
        reason=required_text(reason, field="reason", message=_("Say why the ban is needed.")),
        supply_access_plan=supply_access_plan,
        supply_access_details=required_text(
            supply_access_details,
            field="supply_access_details",
            message=_("Say how the person will keep getting supplies while banned."),
        ),
        imposed_by=actor,
    )
    validate(ban, exclude=["imposed_by", "case", "participant"])
    ban.save()
    return ban


def ban_summary(ban):
    return {
        "ban": ban.pk,
        "participant": ban.participant.code,
        "starts_at": ban.starts_at,
        "ends_at": ban.ends_at,
        "max_days": ban.max_days,
        "supply_access_plan": ban.supply_access_plan,
    }


@transaction.atomic
def impose_ban(
    *,
    actor,
    case,
    participant,
    reason,
    supply_access_plan,
    supply_access_details,
    days=None,
    ends_at=None,
    starts_at=None,
):
    """An immediate temporary ban. It always ends within the policy maximum and always comes
    with a supply access plan."""
    case, step = begin_step("impose_ban", actor=actor, case=case)
    ban = build_ban(
        case=case,
        actor=actor,
        participant=participant,
        reason=reason,
        supply_access_plan=supply_access_plan,
        supply_access_details=supply_access_details,
        days=days,
        ends_at=ends_at,
        starts_at=starts_at,
    )
    record_event(case=case, actor=actor, action=step.name, after=ban_summary(ban))
    return ban


def end_bans(*, case, reason, bans=None, now=None):
    """End the case's bans that are still running (caller holds the lock and writes the event).
    Returns the ids ended."""
    now = now or timezone.now()
    running = (bans if bans is not None else case.bans.all()).filter(
        ended_early_at__isnull=True, ends_at__gt=now
    )
    ids = list(running.values_list("pk", flat=True))
    Ban.objects.filter(pk__in=ids).update(
        ended_early_at=now, ended_early_reason=reason, paused_since=None
    )
    return ids


@transaction.atomic
def end_ban_early(*, actor, ban, reason):
    case, step = begin_step("end_ban_early", actor=actor, case=ban.case)
    ban = Ban.objects.select_for_update().get(pk=ban.pk)
    if ban.ended_early_at is not None or ban.ends_at <= timezone.now():
        raise WorkflowError(_("This ban has already ended."))
    reason = required_text(reason, field="reason", message=_("Say why the ban ends early."))
    end_bans(case=case, reason=reason, bans=Ban.objects.filter(pk=ban.pk))
    ban.refresh_from_db()
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"ends_at": ban.ends_at},
        after={"ban": ban.pk, "ended_early_at": ban.ended_early_at, "reason": reason},
    )
    return ban
