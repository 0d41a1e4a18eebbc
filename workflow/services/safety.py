"""Temporary bans: imposed at report time as an immediate safety step, or as part of a plan.

A case's bans of one person form one chain: a new ban replaces the current one from its start
(the decision's ban replaces the immediate one, a plan modified on appeal replaces the
decision's). Across cases, a person has one welcome-back date: banning someone already banned
elsewhere needs the staff member's choice, keep the existing end or set this one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Participant
from workflow.access import is_party
from workflow.dates import day
from workflow.errors import NeedsChoice, WorkflowError
from workflow.models import Ban, Case, CaseParty, OtherBans, SupplyContact, SupplyMethod
from workflow.outbox.sync import sync_case_reminders
from workflow.services._base import begin_step, record_event, required_text, validate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from typing import Any

    from accounts.models import User
    from workflow.models.safety import BanQuerySet

KEEP_EXISTING_END = OtherBans.KEEP  # the new ban ends when the running one does
SET_THIS_END = OtherBans.SET  # the new ban's end is the one welcome-back date
OTHER_BAN_CHOICES = tuple(OtherBans.values)


def _ban_length(
    case: Case, *, days: int | None, ends_at: datetime | None, starts_at: datetime
) -> datetime:
    policy = case.policy_version
    if days is not None and ends_at is not None:
        raise WorkflowError(
            _(
                "Give either the number of days or the welcome-back date, not both: they can "
                "disagree."
            ),
            field="days",
        )
    if ends_at is not None:
        return ends_at
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
    return starts_at + timedelta(days=days)


def running_elsewhere(
    *, participant: Participant, case: Case, now: datetime | None = None
) -> list[Ban]:
    """The person's bans still running in other cases, latest end first."""
    return running_elsewhere_for(participants=[participant], case=case, now=now)


def running_elsewhere_for(
    *, participants: Sequence[Participant], case: Case, now: datetime | None = None
) -> list[Ban]:
    """The bans still running in other cases of any of these people, in one query: person by
    person (in the order given), latest end first."""
    order = {person.pk: place for place, person in enumerate(participants)}
    bans = (
        Ban.objects.running(now)
        .filter(participant__in=list(order))
        .exclude(case=case)
        .select_related("case", "participant")
    )
    return sorted(bans, key=lambda b: (order[b.participant_id], -b.effective_end.timestamp()))


def _other_bans_choice(
    participant: Participant, others: Sequence[Ban], choice: str | None, actor: User
) -> str | None:
    if choice in OTHER_BAN_CHOICES:
        return choice
    # A case the actor is a party to is not named to them (it does not exist for them); its
    # ban still counts, so the welcome-back date stays one.
    hidden = {b.case_id for b in others if is_party(b.case, actor)}
    listed = "; ".join(
        _("until %(end)s (case %(case)s)") % {"end": day(b.effective_end), "case": b.case_id}
        if b.case_id not in hidden
        else _("until %(end)s (another case)") % {"end": day(b.effective_end)}
        for b in others
    )
    raise NeedsChoice(
        _(
            "%(who)s is already banned %(bans)s. Choose: keep that welcome-back date, or set "
            "this ban's end as the one date."
        )
        % {"who": participant.code, "bans": listed},
        field="other_bans",
        details={
            "running_bans": [
                {
                    "ban": None if b.case_id in hidden else b.pk,
                    "case": None if b.case_id in hidden else b.case_id,
                    "ends_at": b.effective_end,
                }
                for b in others
            ],
            "choices": list(OTHER_BAN_CHOICES),
        },
    )


def _replace_current(
    *, case: Case, participant: Participant, actor: User, at: datetime, reason: str
) -> Ban | None:
    """Mark the person's current ban in this case replaced from `at`; return it (or None)."""
    current = (
        Ban.objects.select_for_update()
        .filter(case=case, participant=participant, ended_early_at=None, replaced_at=None)
        .first()
    )
    if current is not None:
        current.replaced_at, current.replaced_by, current.replaced_reason = at, actor, reason
        current.save(update_fields=["replaced_at", "replaced_by", "replaced_reason"])
    return current


def _set_welcome_back(*, ban: Ban, others: Sequence[Ban], actor: User) -> list[int]:
    """Other cases' bans that would keep the person away longer end when `ban` does; each of
    those cases' timelines says so."""
    shortened = []
    reason = str(
        _("Welcome-back date set by the ban of case %(case)s: %(end)s.")
        % {"case": ban.case_id, "end": day(ban.ends_at)}
    )
    for other in others:
        if other.effective_end <= ban.ends_at:
            continue
        other = Ban.objects.select_for_update().get(pk=other.pk)
        before = other.effective_end
        other.replaced_at, other.replaced_by = max(ban.ends_at, other.starts_at), actor
        other.replaced_reason, other.replaced_by_ban = reason, ban
        other.save(
            update_fields=["replaced_at", "replaced_by", "replaced_reason", "replaced_by_ban"]
        )
        try:
            other_case = Case.objects.select_for_update(of=("self",)).get(pk=other.case_id)
        except OperationalError as exc:  # a deadlock with a step on that case, at that moment
            raise NeedsChoice(
                _("Someone is changing case %(case)s right now; try again in a moment.")
                % {"case": other.case_id}
            ) from exc
        record_event(
            case=other_case,
            actor=actor,
            action="ban_replaced_elsewhere",
            before={"ban": other.pk, "ends": before},
            after={"ban": other.pk, "ends": other.effective_end, "by_ban": ban.pk},
        )
        shortened.append(other.pk)
    return shortened


def build_ban(
    *,
    case: Case,
    actor: User,
    participant: Participant | None,
    reason: str,
    supply_access_plan: str,
    supply_access_details: str,
    days: int | None = None,
    ends_at: datetime | None = None,
    starts_at: datetime | None = None,
    other_bans: str | None = None,
    replaces_reason: str | None = None,
) -> Ban:
    """Create a ban row under the case's policy (used by `impose_ban` and by plans). The caller
    holds the case lock and writes the event. Returns the saved ban; what it changed elsewhere
    (the ban it replaced, the choice about other bans, bans shortened) is in `ban.changes`."""
    policy = case.policy_version
    if (
        participant is None
        or not CaseParty.objects.filter(case=case, participant=participant).exists()
    ):
        raise WorkflowError(
            _("Add this person to the case as a party before banning them."), field="participant"
        )
    # One person's bans change one step at a time, whatever the case: two cases banning the
    # same person at once would each miss the other's ban (a silent second date).
    Participant.objects.select_for_update().get(pk=participant.pk)
    starts_at = starts_at or timezone.now()
    ends_at = _ban_length(case, days=days, ends_at=ends_at, starts_at=starts_at)
    others = running_elsewhere(participant=participant, case=case)
    choice = _other_bans_choice(participant, others, other_bans, actor) if others else None
    if choice == KEEP_EXISTING_END:
        # No second date: this ban ends with the running one (within this policy's maximum).
        ends_at = min(others[0].effective_end, starts_at + timedelta(days=policy.max_ban_days))
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
    replaced = _replace_current(
        case=case,
        participant=participant,
        actor=actor,
        at=starts_at,
        reason=replaces_reason or str(_("Replaced by a later ban in this case.")),
    )
    ban.save()
    if replaced is not None:
        replaced.replaced_by_ban = ban
        replaced.save(update_fields=["replaced_by_ban"])
    shortened = []
    if choice == SET_THIS_END:
        shortened = _set_welcome_back(ban=ban, others=others, actor=actor)
    ban.changes = {
        "replaced": replaced.pk if replaced else None,
        "other_bans": str(choice) if choice else None,
        "shortened_elsewhere": shortened,
    }
    return ban


def ban_summary(ban: Ban) -> dict[str, Any]:
    return {
        "ban": ban.pk,
        "participant": ban.participant.code,
        "starts_at": ban.starts_at,
        "ends_at": ban.ends_at,
        "max_days": ban.max_days,
        "supply_access_plan": ban.supply_access_plan,
        **getattr(ban, "changes", {}),
    }


@transaction.atomic
def impose_ban(
    *,
    actor: User,
    case: Case,
    participant: Participant | None,
    reason: str,
    supply_access_plan: str,
    supply_access_details: str,
    days: int | None = None,
    ends_at: datetime | None = None,
    starts_at: datetime | None = None,
    other_bans: str | None = None,
) -> Ban:
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
        other_bans=other_bans,
    )
    record_event(case=case, actor=actor, action=step.name, after=ban_summary(ban))
    return ban


def end_bans(
    *, case: Case, reason: str, bans: BanQuerySet | None = None, now: datetime | None = None
) -> list[int]:
    """End the case's bans that are still running (caller holds the lock and writes the event).
    Returns the ids ended."""
    now = now or timezone.now()
    running = (bans if bans is not None else case.bans.all()).running(now)
    ids = list(running.values_list("pk", flat=True))
    Ban.objects.filter(pk__in=ids).update(
        ended_early_at=now, ended_early_reason=reason, paused_since=None
    )
    return ids


@transaction.atomic
def end_ban_early(*, actor: User, ban: Ban, reason: str) -> Ban:
    case, step = begin_step("end_ban_early", actor=actor, case=ban.case)
    ban = Ban.objects.select_for_update().get(pk=ban.pk)
    if not ban.is_running():
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


@transaction.atomic
def log_supply_contact(
    *, actor: User, ban: Ban, reached_on: date, method: str, note: str = ""
) -> SupplyContact:
    """Supplies reached a banned person: the log that shows a ban did not cut them off."""
    case, step = begin_step("log_supply_contact", actor=actor, case=ban.case)
    ban = Ban.objects.get(pk=ban.pk, case=case)
    if method not in SupplyMethod.values:
        raise WorkflowError(
            _("Choose how the supplies reached the person: %(ways)s.")
            % {"ways": ", ".join(str(label).lower() for label in SupplyMethod.labels)},
            field="method",
        )
    if reached_on is None:
        raise WorkflowError(_("Give the date the supplies reached the person."), field="reached_on")
    if reached_on > timezone.localdate():
        raise WorkflowError(_("This cannot be in the future."), field="reached_on")
    first, last = timezone.localdate(ban.starts_at), timezone.localdate(ban.effective_end)
    if not first <= reached_on <= last:
        raise WorkflowError(
            _("Give a date during the ban, from %(start)s to %(end)s.")
            % {"start": day(first), "end": day(last)},
            field="reached_on",
        )
    contact = SupplyContact.objects.create(
        ban=ban, reached_on=reached_on, method=method, given_by=actor, note=note or ""
    )
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={"ban": ban.pk, "contact": contact.pk, "reached_on": reached_on, "method": method},
    )
    # The person's bans in other cases count these supplies too: their supply-gap reminders
    # move with this one (each case locked, as a step on it would).
    others = Ban.objects.running().filter(participant=ban.participant_id).exclude(case=case)
    for other_case in Case.objects.filter(pk__in=others.values("case")).order_by("pk"):
        sync_case_reminders(Case.objects.select_for_update(of=("self",)).get(pk=other_case.pk))
    return contact
