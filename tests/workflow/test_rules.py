"""Every rule at the service layer: bans, impartiality, decisions, appeals, follow-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.policy import change_policy
from workflow import services
from workflow.errors import (
    AppealWindowClosed,
    CaseNotFound,
    ConflictOfInterest,
    NotPermitted,
    StepNotAllowed,
    WorkflowError,
)
from workflow.models import Appeal, Ban, Decision, FollowUp, PartyRole

SUPPLIES = {
    "supply_access_plan": "offsite_bags",
    "supply_access_details": "Bags at the back door, 10am daily.",
}


def party(case, role):
    return case.parties.get(role=role)


def test_ban_defaults_from_severity_and_is_within_maximum(make_case, users, people):
    case = make_case(severity="high")
    ban = services.impose_ban(
        actor=users["a_staff"], case=case, participant=people["sky"], reason="Shoving", **SUPPLIES
    )
    assert ban.ends_at - ban.starts_at == timedelta(days=7)
    assert ban.max_days == 30
    assert ban.in_effect()


def test_ban_beyond_maximum_or_without_plan_is_refused(make_case, users, people):
    case = make_case()
    with pytest.raises(WorkflowError) as err:
        services.impose_ban(
            actor=users["a_staff"],
            case=case,
            participant=people["sky"],
            reason="x",
            days=31,
            **SUPPLIES,
        )
    assert err.value.field == "days"
    with pytest.raises(WorkflowError) as err:
        services.impose_ban(
            actor=users["a_staff"],
            case=case,
            participant=people["sky"],
            reason="x",
            days=3,
            supply_access_plan="outreach",
            supply_access_details=" ",
        )
    assert err.value.field == "supply_access_details"
    with pytest.raises(WorkflowError) as err:
        services.impose_ban(
            actor=users["a_staff"],
            case=case,
            participant=people["sky"],
            reason="x",
            ends_at=timezone.now() + timedelta(days=40),
            **SUPPLIES,
        )
    assert err.value.field == "ends_at"
    with pytest.raises(WorkflowError) as err:
        services.impose_ban(
            actor=users["a_staff"],
            case=case,
            participant=people["wren"],
            reason="x",
            days=2,
            **SUPPLIES,
        )
    assert err.value.field == "participant"
    assert not Ban.objects.exists()


def test_low_severity_ban_needs_explicit_length(make_case, users, people):
    case = make_case(severity="low")
    with pytest.raises(WorkflowError) as err:
        services.impose_ban(
            actor=users["a_staff"], case=case, participant=people["sky"], reason="x", **SUPPLIES
        )
    assert "bans always end" in err.value.message


def test_ban_max_follows_case_policy_not_later_policy(make_case, users, people):
    case = make_case()
    change_policy(
        actor=users["a_admin"],
        max_ban_days=10,
        ban_days_by_severity={"low": 0, "moderate": 2, "high": 5, "severe": 10},
    )
    ban = services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="x",
        days=20,
        **SUPPLIES,
    )
    assert ban.max_days == 30


def test_party_cannot_investigate(make_case, users):
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_staff2"]}])
    services.acknowledge_case(actor=users["a_staff"], case=case)
    with pytest.raises(ConflictOfInterest) as err:
        services.start_investigation(
            actor=users["a_lead"], case=case, investigator=users["a_staff2"]
        )
    assert err.value.field == "investigator"


def test_investigator_cannot_then_become_party(make_case, users, advance):
    case = advance(make_case(), "investigating")
    with pytest.raises(ConflictOfInterest):
        services.add_party(
            actor=users["a_staff"], case=case, role="witness", staff_user=users["a_staff2"]
        )


def test_a_party_is_never_the_owner_nor_the_one_naming_themselves(make_case, users):
    """A party does not see the case (workflow.access), so they cannot own it or record it."""
    with pytest.raises(ConflictOfInterest) as err:
        make_case(parties=[{"role": "witness", "staff_user": users["a_staff"]}])
    assert err.value.field == "staff_user" and "yourself" in err.value.message
    with pytest.raises(ConflictOfInterest) as err:
        make_case(
            owner=users["a_lead"], parties=[{"role": "witness", "staff_user": users["a_lead"]}]
        )
    assert "owns this case" in err.value.message
    case = make_case(parties=[{"role": "witness", "staff_user": users["a_staff2"]}])
    with pytest.raises(ConflictOfInterest) as err:
        services.assign_owner(actor=users["a_lead"], case=case, owner=users["a_staff2"])
    assert err.value.field == "owner"


def test_a_party_owns_no_restorative_action(make_case, users, advance):
    case = make_case(parties=[{"role": "person_who_did_harm", "staff_user": users["a_admin"]}])
    case = advance(case, "investigating")
    due = timezone.localdate() + timedelta(days=5)
    with pytest.raises(ConflictOfInterest) as err:
        services.decide_case(
            actor=users["a_lead"],
            case=case,
            reasons="r",
            harmed_person_heard=True,
            actions=[
                {"kind": "storytelling_listening", "owner": users["a_admin"], "due_date": due}
            ],
        )
    assert err.value.field == "actions[0].owner"
    assert not Decision.objects.filter(case=case).exists()


def test_party_cannot_decide(make_case, users, advance):
    # The admin may decide (program_admin is among the deciders) but is a party: to them the
    # case does not exist (workflow.access), before any impartiality check.
    case = make_case(parties=[{"role": "harmed_person", "staff_user": users["a_admin"]}])
    case = advance(case, "investigating")
    with pytest.raises(CaseNotFound):
        services.decide_case(
            actor=users["a_admin"], case=case, reasons="r", harmed_person_heard=True
        )
    assert not Decision.objects.filter(case=case).exists()


def test_decider_roles_come_from_policy(make_case, users, advance):
    case = advance(make_case(), "investigating")
    with pytest.raises(NotPermitted):
        services.decide_case(
            actor=users["a_staff"], case=case, reasons="r", harmed_person_heard=True
        )
    change_policy(actor=users["a_admin"], decider_roles=["program_staff"])
    with pytest.raises(NotPermitted):  # the case keeps its own policy version
        services.decide_case(
            actor=users["a_staff"], case=case, reasons="r", harmed_person_heard=True
        )
    later = advance(make_case(), "investigating")
    services.decide_case(actor=users["a_staff"], case=later, reasons="r", harmed_person_heard=True)


def test_decision_records_heard_or_why_not(make_case, users, advance):
    case = advance(make_case(), "investigating")
    with pytest.raises(WorkflowError) as err:
        services.decide_case(actor=users["a_lead"], case=case, reasons="r")
    assert err.value.field == "harmed_person_heard"
    with pytest.raises(WorkflowError) as err:
        services.decide_case(
            actor=users["a_lead"], case=case, reasons="r", harmed_person_heard=False
        )
    assert err.value.field == "not_heard_reason"
    decision = services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="r",
        harmed_person_heard=False,
        not_heard_reason="declined",
        contributing_factors=["crowding"],
    )
    assert decision.not_heard_reason == "declined"
    assert decision.contributing_factors == ["crowding"]


def test_decision_schedules_follow_ups_and_plan(make_case, users, advance, people):
    case = advance(make_case(), "hearing")
    sky = party(case, PartyRole.PERSON_WHO_DID_HARM)
    due = timezone.localdate() + timedelta(days=14)
    decision = services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="Heard both.",
        actions=[
            {
                "kind": "temporary_ban",
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
                "ban": {"days": 5, **SUPPLIES},
            },
            {
                "kind": "restitution",
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
                "restitution_goods": "Replace the broken chair",
            },
            {"kind": "storytelling_listening", "owner": users["a_staff2"], "due_date": due},
            {"kind": "community_meeting", "owner": users["a_lead"], "due_date": due},
        ],
    )
    assert decision.harmed_person_heard is True  # from the hearing
    assert decision.appeal_deadline == decision.decided_at + timedelta(days=14)
    plan = case.plans.get()
    assert plan.actions.count() == 4
    assert plan.actions.get(kind="temporary_ban").ban.ends_at
    days = sorted((f.due_at - decision.decided_at).days for f in case.follow_ups.all())
    assert days == [7, 30, 30, 60, 90, 90]
    case.refresh_from_db()
    assert case.state == "decided" and case.responded_at is not None
    assert case.notices.filter(kind="decision").count() == 2


def test_restitution_needs_amount_or_goods(make_case, users, advance):
    case = advance(make_case(), "investigating")
    with pytest.raises(WorkflowError) as err:
        services.decide_case(
            actor=users["a_lead"],
            case=case,
            reasons="r",
            harmed_person_heard=True,
            actions=[
                {"kind": "restitution", "owner": users["a_staff"], "due_date": timezone.localdate()}
            ],
        )
    assert err.value.field == "actions[0].restitution_amount"
    assert not Decision.objects.filter(case=case).exists()


def test_facilitator_required_by_policy(make_case, users, advance):
    case = advance(make_case(), "investigating")
    with pytest.raises(WorkflowError) as err:
        services.schedule_hearing(actor=users["a_staff"], case=case, scheduled_for=timezone.now())
    assert err.value.field == "facilitator"


def test_consent_can_be_withdrawn(make_case, users, advance):
    case = advance(make_case(), "acknowledged")
    harmed = party(case, PartyRole.HARMED_PERSON)
    consent = services.record_consent(actor=users["a_staff"], case=case, party=harmed)
    with pytest.raises(WorkflowError):
        services.record_consent(actor=users["a_staff"], case=case, party=harmed)
    services.withdraw_consent(actor=users["a_staff"], consent=consent, note="Not ready")
    consent.refresh_from_db()
    assert not consent.is_active
    services.record_consent(actor=users["a_staff"], case=case, party=harmed)


def test_appeal_after_window_is_refused_with_date(make_case, users, advance):
    case = advance(make_case(), "decided")
    deadline = case.decision.appeal_deadline
    with pytest.raises(AppealWindowClosed) as err:
        services.file_appeal(
            actor=users["a_staff"],
            case=case,
            party=party(case, PartyRole.PERSON_WHO_DID_HARM),
            grounds="Unfair",
            filed_at=deadline + timedelta(minutes=1),
        )
    assert err.value.closed_at == deadline
    assert str(deadline.year) in err.value.message and "closed on" in err.value.message
    assert not Appeal.objects.filter(case=case).exists()


def test_reviewer_cannot_be_decider_or_party(make_case, users, advance, people):
    case = make_case(
        parties=[
            {"role": "harmed_person", "staff_user": users["a_admin"]},
            {"role": "person_who_did_harm", "participant": people["wren"]},
        ]
    )
    case = advance(case, "decided")
    appeal = services.file_appeal(
        actor=users["a_staff"],
        case=case,
        party=party(case, PartyRole.PERSON_WHO_DID_HARM),
        grounds="Unfair",
    )
    with pytest.raises(ConflictOfInterest):  # a_lead decided
        services.decide_appeal(
            actor=users["a_lead"],
            appeal=appeal,
            outcome="upheld",
            reasons="r",
            reasons_for_parties="The decision was looked at again.",
        )
    with pytest.raises(CaseNotFound):  # a_admin is a party: the case does not exist for them
        services.decide_appeal(
            actor=users["a_admin"],
            appeal=appeal,
            outcome="upheld",
            reasons="r",
            reasons_for_parties="The decision was looked at again.",
        )
    with pytest.raises(NotPermitted):  # staff are not appeal reviewers by default
        services.decide_appeal(
            actor=users["a_staff2"],
            appeal=appeal,
            outcome="upheld",
            reasons="r",
            reasons_for_parties="The decision was looked at again.",
        )


def test_ban_paused_during_appeal_when_policy_says(make_case, users, advance, people):
    change_policy(actor=users["a_admin"], pause_ban_during_appeal=True)
    case = make_case()
    ban = services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="x",
        days=10,
        **SUPPLIES,
    )
    case = advance(case, "decided")
    appeal = services.file_appeal(
        actor=users["a_staff"],
        case=case,
        party=party(case, PartyRole.PERSON_WHO_DID_HARM),
        grounds="Too long",
    )
    ban.refresh_from_db()
    assert ban.paused_since is not None and not ban.in_effect()
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="overturned",
        reasons="Not proportionate",
        reasons_for_parties="The decision was looked at again.",
    )
    ban.refresh_from_db()
    assert ban.ended_early_at is not None
    assert case.plans.get(superseded_at__isnull=True).actions.count() == 0


def test_close_needs_every_follow_up_done_or_waived(make_case, users, advance):
    case = advance(make_case(), "restoring")
    with pytest.raises(WorkflowError) as err:
        services.close_case(actor=users["a_lead"], case=case)
    assert "pending" in err.value.message
    follow_ups = list(case.follow_ups.all())
    with pytest.raises(WorkflowError):
        services.waive_follow_up(actor=users["a_lead"], follow_up=follow_ups[0], reason=" ")
    services.waive_follow_up(
        actor=users["a_lead"], follow_up=follow_ups[0], reason="Person moved away"
    )
    for follow_up in follow_ups[1:]:
        services.complete_follow_up(actor=users["a_staff"], follow_up=follow_up)
    services.close_case(actor=users["a_lead"], case=case)
    case.refresh_from_db()
    assert case.state == "closed" and case.ended_at
    with pytest.raises(StepNotAllowed):
        services.withdraw_case(actor=users["a_lead"], case=case, reason="x")


@pytest.mark.parametrize(
    "end_early, state",
    [(services.withdraw_case, "withdrawn"), (services.resolve_early, "resolved_early")],
    ids=["withdraw", "resolve early"],
)
def test_ending_a_case_early_needs_a_reason_and_ends_its_bans(
    make_case, users, people, end_early, state
):
    case = make_case()
    ban = services.impose_ban(
        actor=users["a_staff"], case=case, participant=people["sky"], reason="x", days=3, **SUPPLIES
    )
    with pytest.raises(WorkflowError) as err:
        end_early(actor=users["a_lead"], case=case, reason="")
    assert err.value.field == "reason"
    end_early(actor=users["a_lead"], case=case, reason="Talked it through")
    ban.refresh_from_db()
    case.refresh_from_db()
    assert ban.ended_early_at is not None
    assert case.state == state and case.response_status() == "met"


def test_second_appeal_level_only_when_policy_allows(make_case, users, advance):
    case = advance(make_case(), "decided")
    who = party(case, PartyRole.PERSON_WHO_DID_HARM)
    appeal = services.file_appeal(actor=users["a_staff"], case=case, party=who, grounds="g")
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="upheld",
        reasons="Fair",
        reasons_for_parties="The decision was looked at again.",
    )
    with pytest.raises(WorkflowError) as err:
        services.file_appeal(actor=users["a_staff"], case=case, party=who, grounds="again")
    assert "level" in err.value.message
    assert FollowUp.objects.filter(case=case).exists()


def test_a_hearing_is_moved_or_cancelled_never_held_before_its_time(make_case, advance, users):
    """Hearings as they happen: moved with a reason, cancelled with a reason (then no outcome
    and no reminder), and never recorded as held before the time they were set for, which
    the database refuses too."""
    from django.db import IntegrityError, transaction

    from workflow.errors import WorkflowError
    from workflow.models import CaseEvent, Hearing
    from workflow.reminders import reminder_points

    case = advance(make_case(), "investigating")
    soon = timezone.now() + timedelta(days=2)
    neutral = {"facilitator": users["a_staff2"]}
    hearing = services.schedule_hearing(
        actor=users["a_staff"], case=case, scheduled_for=soon, **neutral
    )
    with pytest.raises(WorkflowError, match="once it has taken place"):
        services.record_hearing_outcome(
            actor=users["a_staff"], hearing=hearing, harmed_person_heard=True
        )
    with pytest.raises(WorkflowError, match="Say why"):
        services.reschedule_hearing(
            actor=users["a_staff"], hearing=hearing, scheduled_for=soon, reason=" "
        )
    later = soon + timedelta(days=1)
    services.reschedule_hearing(
        actor=users["a_staff"], hearing=hearing, scheduled_for=later, reason="Room booked"
    )
    moved = CaseEvent.objects.filter(case=case, action="reschedule_hearing").get()
    assert moved.after["reason"] == "Room booked" and "scheduled_for" in moved.before

    def hearing_reminders():
        return [p for p in reminder_points(case) if p[0] == "hearing_upcoming"]

    assert [p[1] for p in hearing_reminders()] == [later]
    services.cancel_hearing(actor=users["a_staff"], hearing=hearing, reason="Sky declined")
    assert hearing_reminders() == []  # no reminder for a hearing that will not happen
    hearing.refresh_from_db()
    assert hearing.cancelled_at and not hearing.is_pending
    with pytest.raises(WorkflowError, match="cancelled"):
        services.record_hearing_outcome(
            actor=users["a_staff"], hearing=hearing, harmed_person_heard=True
        )
    with pytest.raises(WorkflowError, match="cancelled"):
        services.reschedule_hearing(
            actor=users["a_staff"], hearing=hearing, scheduled_for=soon, reason="Again"
        )
    # The database holds the rule whatever the code does.
    other = services.schedule_hearing(
        actor=users["a_staff"], case=case, scheduled_for=soon, **neutral
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=other.pk).update(held_at=timezone.now(), harmed_person_heard=True)
