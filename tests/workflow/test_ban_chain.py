"""A case's bans form one chain, and a person has one welcome-back date (issue 14)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from workflow import services
from workflow.away import away_one
from workflow.errors import NeedsChoice, WorkflowError
from workflow.models import Ban, CaseEvent, PartyRole

SUPPLIES = {
    "supply_access_plan": "offsite_bags",
    "supply_access_details": "Bags at the back door, 10am daily.",
}


def party(case, role):
    return case.parties.get(role=role)


def ban_action(case, users, days, **terms):
    return {
        "kind": "temporary_ban",
        "owner": users["a_staff"],
        "due_date": timezone.localdate() + timedelta(days=14),
        "for_party": party(case, PartyRole.PERSON_WHO_DID_HARM),
        "ban": {"days": days, **SUPPLIES, **terms},
    }


def immediate_ban(case, users, person, days=7, **kwargs):
    return services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=person,
        reason="Threats at the supply table",
        days=days,
        **{**SUPPLIES, **kwargs},
    )


def decide_with_ban(case, users, advance, days):
    case = advance(case, "hearing")
    services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="Heard both; a short break and repair.",
        actions=[ban_action(case, users, days)],
    )
    return case


def appeal(case, users):
    return services.file_appeal(
        actor=users["a_staff"],
        case=case,
        party=party(case, PartyRole.PERSON_WHO_DID_HARM),
        grounds="Too long",
    )


def test_the_issue_sequence_leaves_one_welcome_back_date_the_reviewers(
    make_case, users, people, advance
):
    """Immediate ban (7 days), decision (5 days), appeal modified (3 days), close: the person
    is away exactly until the reviewer's date, and the earlier bans say who replaced them."""
    sky = people["sky"]
    case = make_case()
    immediate = immediate_ban(case, users, sky, days=7)
    case = decide_with_ban(case, users, advance, days=5)
    decided = case.bans.exclude(pk=immediate.pk).get()
    immediate.refresh_from_db()
    assert immediate.replaced_by_ban == decided and immediate.replaced_by == users["a_lead"]
    assert "decision" in immediate.replaced_reason
    assert immediate.effective_end == decided.starts_at and not immediate.is_running()
    assert list(Ban.objects.running().filter(participant=sky)) == [decided]

    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal(case, users),
        outcome="modified",
        reasons="Three days is enough.",
        actions=[ban_action(case, users, 3)],
        reasons_for_parties="The decision was looked at again.",
    )
    reviewers = case.bans.exclude(pk__in=[immediate.pk, decided.pk]).get()
    decided.refresh_from_db()
    assert decided.replaced_by_ban == reviewers and decided.replaced_by == users["a_admin"]
    assert decided.ended_early_at is None  # replaced, not ended: the chain goes on
    assert "appeal" in decided.replaced_reason

    for follow_up in case.follow_ups.all():
        services.waive_follow_up(actor=users["a_lead"], follow_up=follow_up, reason="Moved away")
    with pytest.raises(NeedsChoice) as asked:
        services.close_case(actor=users["a_lead"], case=case)
    assert "T-sky until" in asked.value.message and "Confirm" in asked.value.message
    assert asked.value.status_code == 409
    case.refresh_from_db()
    assert case.state == "restoring"
    services.close_case(actor=users["a_lead"], case=case, confirm_running_bans=True)
    case.refresh_from_db()
    assert case.state == "closed"

    assert list(Ban.objects.running().filter(participant=sky)) == [reviewers]
    here = away_one(sky)
    assert here.welcome_back == reviewers.ends_at == reviewers.starts_at + timedelta(days=3)
    assert here.case_ids == [case.pk]
    # On the timeline: the replacements, and the close that went ahead with a running ban.
    closing = CaseEvent.objects.filter(case=case, action="close_case").get()
    assert closing.after["bans_still_running"] == [reviewers.pk]
    decision_event = CaseEvent.objects.get(case=case, action="decide_case")
    assert decision_event.after["plan"]["actions"][0]["ban"] == decided.pk
    assert decision_event.after["replaced_bans"] == [immediate.pk]
    appeal_event = CaseEvent.objects.get(case=case, action="decide_appeal")
    assert appeal_event.after["replaced_bans"] == [decided.pk]


def close(case, users, **kwargs):
    for follow_up in case.follow_ups.filter(status="pending"):
        services.waive_follow_up(actor=users["a_lead"], follow_up=follow_up, reason="Moved away")
    return services.close_case(actor=users["a_lead"], case=case, **kwargs)


def test_overturned_appeal_ends_every_ban_of_the_case(make_case, users, people, advance):
    case = make_case()
    immediate = immediate_ban(case, users, people["sky"], days=7)
    case = decide_with_ban(case, users, advance, days=5)
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal(case, users),
        outcome="overturned",
        reasons="Not proportionate",
        reasons_for_parties="The decision was looked at again.",
    )
    assert not Ban.objects.running().filter(case=case).exists()
    assert away_one(people["sky"]) is None
    immediate.refresh_from_db()
    assert immediate.outcome == "replaced"  # the record still shows the chain
    decided = case.bans.exclude(pk=immediate.pk).get()
    assert decided.outcome == "ended_early"
    assert "overturned" in decided.ended_early_reason


def test_a_modified_plan_without_a_ban_ends_the_decisions_ban(make_case, users, people, advance):
    case = decide_with_ban(make_case(), users, advance, days=5)
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal(case, users),
        outcome="modified",
        reasons="A listening circle instead.",
        actions=[
            {
                "kind": "storytelling_listening",
                "owner": users["a_staff"],
                "due_date": timezone.localdate() + timedelta(days=7),
            }
        ],
        reasons_for_parties="The decision was looked at again.",
    )
    assert not Ban.objects.running().filter(case=case).exists()


@pytest.mark.parametrize("step", ["withdraw_case", "resolve_early"])
def test_ending_a_case_early_ends_its_bans_even_one_replaced_later(make_case, users, people, step):
    """A ban replaced from a later start still runs until then: ending the case ends it now."""
    case = make_case()
    first = immediate_ban(case, users, people["sky"], days=7)
    later = immediate_ban(
        case, users, people["sky"], days=3, starts_at=timezone.now() + timedelta(days=1)
    )
    first.refresh_from_db()
    assert first.is_running() and first.replaced_at == later.starts_at
    getattr(services, step)(actor=users["a_lead"], case=case, reason="The harmed person declined")
    assert not Ban.objects.running().filter(case=case).exists()
    assert away_one(people["sky"]) is None


def test_two_current_bans_of_one_person_in_one_case_are_refused_by_the_database(
    make_case, users, people
):
    case = make_case()
    ban = immediate_ban(case, users, people["sky"])
    insert = (
        "INSERT INTO workflow_ban (case_id, participant_id, starts_at, ends_at, max_days,"
        " reason, supply_access_plan, supply_access_details, imposed_at, ended_early_reason)"
        " VALUES (%s, %s, now(), now() + interval '2 days', 30, 'r', 'outreach', 'van', now(),"
        " '')"
    )
    with (
        pytest.raises(IntegrityError, match="ban_one_current_per_person_in_case"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(insert, [case.pk, people["sky"].pk])
    # Another person in the same case, or the same person once the first is ended: allowed.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [case.pk, people["river"].pk])
    Ban.objects.filter(pk=ban.pk).update(ended_early_at=timezone.now(), ended_early_reason="x")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [case.pk, people["sky"].pk])
    # A replacement must say why.
    with pytest.raises(IntegrityError, match="ban_replacement_has_reason"), transaction.atomic():
        Ban.objects.filter(pk=ban.pk).update(replaced_at=timezone.now())


def test_a_ban_on_someone_banned_in_another_case_asks_which_date_counts(make_case, users, people):
    sky = people["sky"]
    first_case, second_case = make_case(), make_case()
    first = immediate_ban(first_case, users, sky, days=4)
    with pytest.raises(NeedsChoice) as asked:
        immediate_ban(second_case, users, sky, days=10)
    assert asked.value.field == "other_bans"
    assert f"case {first_case.pk}" in asked.value.message
    assert asked.value.details["running_bans"][0]["ban"] == first.pk
    assert not second_case.bans.exists()  # nothing saved without a choice

    kept = immediate_ban(second_case, users, sky, days=10, other_bans="keep")
    assert kept.ends_at == first.ends_at
    here = away_one(sky)
    assert here.welcome_back == first.ends_at
    assert here.case_ids == sorted([first_case.pk, second_case.pk])


def test_setting_this_ban_end_makes_it_the_one_welcome_back_date(make_case, users, people):
    sky = people["sky"]
    first_case, second_case, third_case = make_case(), make_case(), make_case()
    first = immediate_ban(first_case, users, sky, days=10)
    # Shorter, and chosen: the longer ban elsewhere now ends with it, and its case says why.
    second = immediate_ban(second_case, users, sky, days=2, other_bans="set")
    first.refresh_from_db()
    assert first.effective_end == second.ends_at and first.replaced_by_ban == second
    assert f"case {second_case.pk}" in first.replaced_reason
    assert CaseEvent.objects.filter(case=first_case, action="ban_replaced_elsewhere").exists()
    assert away_one(sky).welcome_back == second.ends_at
    # Longer, and chosen: it is the date.
    third = immediate_ban(third_case, users, sky, days=6, other_bans="set")
    assert away_one(sky).welcome_back == third.ends_at
    assert len({b.effective_end for b in Ban.objects.running().filter(participant=sky)}) == 2
    assert max(b.effective_end for b in Ban.objects.running().filter(participant=sky)) == (
        third.ends_at
    )


def test_days_and_an_end_date_together_are_refused(make_case, users, people):
    with pytest.raises(WorkflowError) as err:
        immediate_ban(
            make_case(),
            users,
            people["sky"],
            days=5,
            ends_at=timezone.now() + timedelta(days=19),
        )
    assert err.value.field == "days" and "not both" in err.value.message
    assert not Ban.objects.exists()


def test_a_too_late_end_date_is_named_as_people_read_it(make_case, users, people):
    with pytest.raises(WorkflowError) as err:
        too_late = timezone.now() + timedelta(days=45)
        immediate_ban(make_case(), users, people["sky"], days=None, ends_at=too_late)
    latest = timezone.localtime(timezone.now() + timedelta(days=30))
    message = err.value.message
    assert latest.strftime("%a ") + str(latest.day) + latest.strftime(" %b %Y") in message
    assert "+00:00" not in message and ":" not in message.split("before")[-1]


def test_the_supply_log_is_append_only_for_the_program(make_case, users, people):
    """The program's role may add to the log, never change or remove it (README: roles)."""
    ban = immediate_ban(make_case(), users, people["sky"])
    services.log_supply_contact(
        actor=users["a_staff"], ban=ban, reached_on=timezone.localdate(), method="outreach"
    )
    for sql in (
        "UPDATE workflow_supplycontact SET note = 'x'",
        "DELETE FROM workflow_supplycontact",
    ):
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert ban.supply_contacts.count() == 1


def test_a_modified_plan_can_keep_the_decisions_ban_as_it_is(make_case, users, people, advance):
    """Journey 1: the reviewer replaces the labor with an accountability buddy and shortens
    nothing: the person is away until the decision's end date only."""
    case = make_case()
    immediate_ban(case, users, people["sky"], days=7)
    case = decide_with_ban(case, users, advance, days=3)
    decided = Ban.objects.running().get(case=case)
    buddy = {
        "kind": "accountability_buddy",
        "owner": users["a_staff2"],
        "due_date": timezone.localdate() + timedelta(days=10),
        "for_party": party(case, PartyRole.PERSON_WHO_DID_HARM),
    }
    keep = {**ban_action(case, users, None), "ban": {"keep_current": True}}
    with pytest.raises(WorkflowError, match="not both"):
        services.decide_appeal(
            actor=users["a_admin"],
            appeal=appeal(case, users),
            outcome="modified",
            reasons="A buddy instead of labor.",
            actions=[{**keep, "ban": {"keep_current": True, "days": 2}}, buddy],
            reasons_for_parties="The decision was looked at again.",
        )
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=case.appeals.get(),
        outcome="modified",
        reasons="A buddy instead of labor.",
        actions=[keep, buddy],
        reasons_for_parties="The decision was looked at again.",
    )
    decided.refresh_from_db()
    assert decided.is_running() and decided.replaced_at is None
    assert list(Ban.objects.running().filter(participant=people["sky"])) == [decided]
    assert away_one(people["sky"]).welcome_back == decided.ends_at
    current = case.plans.get(superseded_at=None)
    assert current.actions.get(kind="temporary_ban").ban == decided


def test_the_supply_interval_is_a_policy_setting_kept_by_each_case(make_case, users, people):
    from tenants.errors import DomainError
    from tenants.policy import change_policy

    older = make_case()
    with pytest.raises(DomainError) as err:
        change_policy(actor=users["a_admin"], supply_contact_every_days=0)
    assert err.value.field == "supply_contact_every_days"
    policy = change_policy(actor=users["a_admin"], supply_contact_every_days=1)
    assert policy.supply_contact_every_days == 1
    newer = make_case()
    start = timezone.now() - timedelta(days=1)
    old_ban = immediate_ban(older, users, people["sky"], starts_at=start)
    new_ban = immediate_ban(newer, users, people["river"], starts_at=start)
    first_day = timezone.localdate(start)

    def gap_day(case, ban):
        from workflow.outbox.models import Reminder

        reminder = Reminder.objects.get(case_id=case.pk, kind="supply_gap", ref_id=ban.pk)
        return timezone.localdate(reminder.target_at)

    # The older case keeps the version it was reported under (3 days); the newer follows 1.
    assert gap_day(older, old_ban) == first_day + timedelta(days=4)
    assert gap_day(newer, new_ban) == first_day + timedelta(days=2)
