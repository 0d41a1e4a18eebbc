"""Hearings, and each party's consent to take part (which can be withdrawn)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflow.errors import ConflictOfInterest, WorkflowError
from workflow.models import CaseParty, Consent, Hearing, NotHeardReason
from workflow.services._base import (
    begin_step,
    ensure_impartial,
    move_to,
    not_in_future,
    party_of,
    record_event,
    require_member,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from accounts.models import User
    from tenants.models import Participant
    from workflow.models import Case


@transaction.atomic
def schedule_hearing(
    *,
    actor: User,
    case: Case,
    scheduled_for: datetime,
    location: str = "",
    facilitator: User | None = None,
    attendees: Sequence[CaseParty] = (),
    panelists: Sequence[Participant] = (),
) -> Hearing:
    case, step = begin_step("schedule_hearing", actor=actor, case=case)
    policy = case.policy_version
    if scheduled_for is None:
        raise WorkflowError(_("Choose when the hearing takes place."), field="scheduled_for")
    if facilitator is None and policy.facilitator_required:
        raise WorkflowError(
            _("The program's policy requires a neutral facilitator; name one."), field="facilitator"
        )
    if facilitator is not None:
        require_member(facilitator, field="facilitator")
        ensure_impartial(case, facilitator, duty=_("facilitator"), field="facilitator")
    attendees = [party_of(case, party, field="attendees") for party in attendees]
    panelists = list(panelists)
    if panelists and not policy.advisory_board_on_panels:
        raise WorkflowError(
            _("The program's policy does not seat advisory board members on hearing panels."),
            field="panelists",
        )
    for panelist in panelists:
        if not panelist.advisory_board_member:
            raise WorkflowError(
                _("%(who)s is not on the participant advisory board.") % {"who": panelist},
                field="panelists",
            )
        if CaseParty.objects.filter(case=case, participant=panelist).exists():
            raise ConflictOfInterest(
                _("%(who)s is a party to this case and cannot sit on its panel.")
                % {"who": panelist},
                field="panelists",
            )
    hearing = Hearing.objects.create(
        case=case,
        scheduled_for=scheduled_for,
        location=location or "",
        facilitator=facilitator,
        scheduled_by=actor,
    )
    hearing.attendees.set(attendees)
    hearing.panelists.set(panelists)
    before = move_to(case, step)
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={
            "state": case.state,
            "hearing": hearing.pk,
            "scheduled_for": scheduled_for,
            "facilitator": getattr(facilitator, "pk", None),
            "attendees": [p.pk for p in attendees],
            "panelists": [p.code for p in panelists],
        },
    )
    return hearing


@transaction.atomic
def record_consent(
    *, actor: User, case: Case, party: CaseParty, given_at: datetime | None = None
) -> Consent:
    case, step = begin_step("record_consent", actor=actor, case=case)
    party_of(case, party)
    if Consent.objects.filter(party=party, withdrawn_at__isnull=True).exists():
        raise WorkflowError(_("This party's consent is already on record."), field="party")
    consent = Consent.objects.create(
        case=case,
        party=party,
        recorded_by=actor,
        given_at=not_in_future(given_at or timezone.now(), field="given_at"),
    )
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={"consent": consent.pk, "party": party.pk, "given_at": consent.given_at},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor: User, consent: Consent, note: str = "") -> Consent:
    case, step = begin_step("withdraw_consent", actor=actor, case=consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk, case=case)
    if consent.withdrawn_at is not None:
        raise WorkflowError(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_note = note or ""
    consent.save(update_fields=["withdrawn_at", "withdrawal_note"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"active": True},
        after={
            "consent": consent.pk,
            "party": consent.party_id,
            "active": False,
            "withdrawn_at": consent.withdrawn_at,
        },
    )
    return consent


@transaction.atomic
def record_hearing_outcome(
    *,
    actor: User,
    hearing: Hearing,
    harmed_person_heard: bool,
    not_heard_reason: str = "",
    held_at: datetime | None = None,
    outcome_notes: str = "",
) -> Hearing:
    """Whether the harmed person was heard, or why not (declined, unreachable, not
    appropriate)."""
    case, step = begin_step("record_hearing_outcome", actor=actor, case=hearing.case)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk, case=case)
    if hearing.held_at is not None:
        raise WorkflowError(
            _("This hearing's outcome is already recorded; schedule another hearing if needed.")
        )
    if hearing.cancelled_at is not None:
        raise WorkflowError(_("This hearing was cancelled; schedule another hearing if needed."))
    heard, reason = check_heard(harmed_person_heard, not_heard_reason)
    held_at = not_in_future(held_at or timezone.now(), field="held_at")
    if held_at < hearing.scheduled_for:
        raise WorkflowError(
            _(
                "This hearing is set for %(when)s. Record what happened once it has taken place, "
                "or move it to the time it really happened."
            )
            % {"when": say_when(hearing.scheduled_for)},
            field="held_at",
        )
    hearing.held_at = held_at
    hearing.harmed_person_heard, hearing.not_heard_reason = heard, reason
    hearing.outcome_notes = outcome_notes or ""
    hearing.save(
        update_fields=["held_at", "harmed_person_heard", "not_heard_reason", "outcome_notes"]
    )
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={
            "hearing": hearing.pk,
            "held_at": hearing.held_at,
            "harmed_person_heard": heard,
            "not_heard_reason": reason,
        },
    )
    return hearing


def _pending_hearing(case: Case, hearing: Hearing) -> Hearing:
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk, case=case)
    if hearing.held_at is not None:
        raise WorkflowError(_("This hearing has taken place; its record cannot be changed."))
    if hearing.cancelled_at is not None:
        raise WorkflowError(_("This hearing was cancelled; schedule another hearing instead."))
    return hearing


@transaction.atomic
def reschedule_hearing(
    *,
    actor: User,
    hearing: Hearing,
    scheduled_for: datetime,
    location: str | None = None,
    reason: str = "",
) -> Hearing:
    """Move a hearing that has not taken place to another time (or place)."""
    case, step = begin_step("reschedule_hearing", actor=actor, case=hearing.case)
    hearing = _pending_hearing(case, hearing)
    if scheduled_for is None:
        raise WorkflowError(_("Choose the new time of the hearing."), field="scheduled_for")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the hearing is moved."), field="reason")
    before = {"scheduled_for": hearing.scheduled_for, "location": hearing.location}
    hearing.scheduled_for = scheduled_for
    if location is not None:
        hearing.location = location
    hearing.save(update_fields=["scheduled_for", "location"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before=before,
        after={
            "hearing": hearing.pk,
            "scheduled_for": hearing.scheduled_for,
            "location": hearing.location,
            "reason": reason,
        },
    )
    return hearing


@transaction.atomic
def cancel_hearing(*, actor: User, hearing: Hearing, reason: str) -> Hearing:
    """Call off a hearing that has not taken place; the case can schedule another or go on
    to a decision."""
    case, step = begin_step("cancel_hearing", actor=actor, case=hearing.case)
    hearing = _pending_hearing(case, hearing)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the hearing is cancelled."), field="reason")
    hearing.cancelled_at, hearing.cancel_reason = timezone.now(), reason
    hearing.save(update_fields=["cancelled_at", "cancel_reason"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"scheduled_for": hearing.scheduled_for},
        after={"hearing": hearing.pk, "cancelled_at": hearing.cancelled_at, "reason": reason},
    )
    return hearing


def say_when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "D j M Y, H:i")


def check_heard(harmed_person_heard: bool | None, not_heard_reason: str) -> tuple[bool, str]:
    if harmed_person_heard is None:
        raise WorkflowError(
            _("Say whether the harmed person was heard."), field="harmed_person_heard"
        )
    if harmed_person_heard:
        return True, ""
    if not_heard_reason not in NotHeardReason.values:
        raise WorkflowError(
            _("Say why the harmed person was not heard: declined, unreachable or not appropriate."),
            field="not_heard_reason",
        )
    return False, not_heard_reason
