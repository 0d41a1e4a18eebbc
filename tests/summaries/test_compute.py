"""Counting real cases made through the workflow services, in programs A and B; publishing with
and without suppression; the closed-case marker and the scheduler tick."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.summaries.conftest import in_last_month, last_month, report_complaint


def seq(counts, root, family):
    """One family's stored counts (keyed) in the catalogue's order."""
    from summaries.metrics import as_tuples

    return list(as_tuples(counts, root)[family])


SUPPLIES = {"supply_access_plan": "offsite_bags", "supply_access_details": "Bags at the side door"}


def _people(prefix):
    from tenants.models import Participant

    return [
        Participant.objects.create(code=f"{prefix}-{i}", alias=f"{prefix}{i}") for i in range(3)
    ]


def run_cases_in_a(users, in_program, program_a):
    """Three cases reported last month in program A, taken to different points."""
    from workflow import services
    from workflow.models import Hearing, PartyRole

    with in_program(program_a):
        river, sky, _wren = _people("A")
        parties = [
            {"role": PartyRole.HARMED_PERSON, "participant": river},
            {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": sky},
        ]
        c1 = services.report_case(
            actor=users["a_staff"],
            kind="incident",
            reported_at=in_last_month(2),
            occurred_at=in_last_month(2, -1),
            narrative="Shoving at the supply table.",
            categories=["violence", "supply_or_service_dispute"],
            severity="moderate",
            police_called=True,
            emergency_services_reason="Someone was hurt.",
            parties=parties,
        )
        services.acknowledge_case(actor=users["a_staff"], case=c1)
        services.start_investigation(actor=users["a_lead"], case=c1, investigator=users["a_staff2"])
        services.record_contributing_factors(
            actor=users["a_staff2"], case=c1, factors=["supply_shortage", "crowding"]
        )
        hearing = services.schedule_hearing(
            actor=users["a_staff"],
            case=c1,
            scheduled_for=timezone.now() - timedelta(hours=1),
            facilitator=users["a_staff2"],
        )
        services.record_hearing_outcome(
            actor=users["a_staff"], hearing=hearing, harmed_person_heard=True
        )
        sky_party = c1.parties.get(role=PartyRole.PERSON_WHO_DID_HARM)
        due = timezone.localdate() + timedelta(days=7)
        services.decide_case(
            actor=users["a_lead"],
            case=c1,
            reasons="Both were heard.",
            actions=[
                {
                    "kind": "temporary_ban",
                    "owner": users["a_staff"],
                    "due_date": due,
                    "for_party": sky_party,
                    "ban": {"days": 5, **SUPPLIES},
                },
                {"kind": "storytelling_listening", "owner": users["a_staff"], "due_date": due},
                {"kind": "community_meeting", "owner": users["a_staff"], "due_date": due},
            ],
        )
        appeal = services.file_appeal(
            actor=users["a_staff"], case=c1, party=sky_party, grounds="Too long."
        )
        services.decide_appeal(
            actor=users["a_admin"],
            appeal=appeal,
            outcome="upheld",
            reasons="Fair as decided.",
            reasons_for_parties="The decision was looked at again.",
        )
        report_complaint(users["a_staff"], 4, "My bag was taken.", hours_before=2)
        c3 = services.report_case(
            actor=users["a_staff"],
            kind="incident",
            reported_at=in_last_month(5),
            occurred_at=in_last_month(5, -2),
            narrative="Threats by the door.",
            categories=["threat"],
            severity="severe",
            parties=parties,
        )
        services.acknowledge_case(actor=users["a_staff"], case=c3)
        assert Hearing.objects.filter(held_at__isnull=False).count() == 1


def test_counts_real_cases_of_program_a_by_month(db, world, in_program, program_a):
    from workflow.models import FollowUp
    from workflow.summary_counts import recompute_current_program

    run_cases_in_a(world.users, in_program, program_a)
    with in_program(program_a):
        months = recompute_current_program()
        follow_ups = FollowUp.objects.count()
    assert list(months) == [last_month()]
    counts = months[last_month()]["counts"]
    assert seq(counts, "cases", "total") == [3]
    assert seq(counts, "cases", "kind") == [2, 1]  # incident, complaint
    assert seq(counts, "cases", "severity") == [1, 1, 0, 1]  # low, moderate, high, severe
    # Reported last month and handled now: acknowledgements late, the untouched one overdue.
    assert seq(counts, "cases", "acknowledgement") == [0, 3]  # on time, not
    assert seq(counts, "cases", "acknowledgement_detail") == [2, 1, 0]  # late, overdue, pending
    assert seq(counts, "cases", "response") == [0, 3]
    assert seq(counts, "cases", "response_detail") == [1, 2, 0]
    assert seq(counts, "cases", "police") == [1, 2]
    assert seq(counts, "cases", "category_theft") == [1, 2]
    assert seq(counts, "cases", "factor_supply_shortage") == [1, 2]
    assert seq(counts, "cases", "factor_crowding") == [1, 2]
    assert seq(counts, "cases", "hearing_held") == [1, 2]
    assert seq(counts, "cases", "harmed_heard") == [1, 0, 2]
    assert seq(counts, "cases", "appeal") == [1, 0, 2]
    assert seq(counts, "cases", "appeal_outcome") == [1, 0, 0, 0]
    assert counts["bans"] == {
        "total": {"n": 1},
        "ended_early": {"yes": 0, "no": 1},
        "supply_plan": {"with_plan": 1, "without_plan": 0},
        "length": {
            "1_day": 0,
            "2_to_3_days": 0,
            "4_to_7_days": 1,  # 5 days
            "8_to_14_days": 0,
            "15_days_or_more": 0,
        },
        "appeal_change": {  # the appeal upheld it
            "replaced_on_appeal": 0,
            "ended_on_appeal": 0,
            "not_changed_on_appeal": 1,
        },
    }
    # Today, its first day.
    assert counts["ban_days"] == {"total": {"n": 1}, "supplies": {"within_interval": 1, "gap": 0}}
    assert seq(counts, "actions", "total") == [3]
    assert seq(counts, "actions", "community") == [1, 2]
    assert seq(counts, "follow_ups", "total") == [follow_ups]
    assert months[last_month()]["histograms"]["ban_days"] == {"5.0": 1}


def test_published_figures_follow_the_counts_and_small_ones_are_withheld(
    db, world, in_program, program_a, program_b, publish_now
):
    from summaries.models import ProgramMonth, SettledMonth, Summary
    from workflow.summary_counts import recompute_current_program

    run_cases_in_a(world.users, in_program, program_a)
    with in_program(program_b):
        report_complaint(world.users["b_staff"], 3, "Shouting.", category="bullying")
    for program in (program_a, program_b):
        with in_program(program):
            recompute_current_program()

    publish_now(SUMMARIES_SUPPRESSION_THRESHOLD=1)
    a = Summary.objects.get(scope="program", program=program_a).metrics
    b = Summary.objects.get(scope="program", program=program_b).metrics
    assert (a["cases"], a["cases.kind.incident"], a["cases.police.yes"]) == (3, 2, 1)
    assert a["cases.acknowledgement.within_window_share"] == 0.0
    assert a["bans.median_days"] == 5.0
    assert a["ban_days.supplies.within_interval_share"] == 1.0
    assert a["bans.length.4_to_7_days"] == 1 and a["bans.appeal_change.share"] == 0.0
    assert a["cases.appeal.share"] == 1.0
    assert b["cases"] == 1 and b["cases.kind.complaint"] == 1

    # Published figures never change: start again as on a new platform, at the usual threshold.
    Summary.objects.all().delete()
    SettledMonth.objects.all().delete()
    ProgramMonth.objects.update(settled_at=None)
    publish_now()  # the platform setting: 11
    a = Summary.objects.get(scope="program", program=program_a).metrics
    assert a["cases"] is None
    assert a["ban_days.supplies.within_interval_share"] is None  # one ban-day: withheld
    assert all(v is None or v == 0 for v in a.values())
    # Two programs make no rollup: every rollup needs five.
    assert not Summary.objects.exclude(scope="program").exists()


def test_closing_a_case_marks_the_program_and_the_tick_recounts_after_a_quiet_minute(
    db, world, in_program, program_a
):
    from summaries.models import SummaryState
    from summaries.services import programs_due
    from workflow import services
    from workflow.models import FollowUp

    users = world.users
    with in_program(program_a):
        case = services.report_case(
            actor=users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Raised voices.",
            categories=["other"],
            severity="low",
            parties=[{"role": "harmed_person", "participant": _people("C")[0]}],
        )
        services.acknowledge_case(actor=users["a_staff"], case=case)
        services.start_investigation(
            actor=users["a_lead"], case=case, investigator=users["a_staff2"]
        )
        services.decide_case(
            actor=users["a_lead"], case=case, reasons="Talked.", harmed_person_heard=True
        )
        services.begin_restoration(actor=users["a_staff"], case=case)
        for follow_up in FollowUp.objects.filter(case=case):
            services.waive_follow_up(actor=users["a_lead"], follow_up=follow_up, reason="Moved.")
        SummaryState.objects.update_or_create(
            program_id=program_a.pk,
            defaults={"dirty_since": None, "computed_at": timezone.now()},
        )
        services.close_case(actor=users["a_lead"], case=case)
    state = SummaryState.objects.get(program_id=program_a.pk)
    assert state.dirty_since is not None
    now = timezone.now()
    assert program_a.pk not in [s.program_id for s in programs_due(now)]  # still debouncing
    assert program_a.pk in [s.program_id for s in programs_due(now + timedelta(minutes=2))]


@pytest.mark.parametrize("step", ["withdraw_case", "resolve_early"])
def test_ending_a_case_early_marks_the_program_too(db, world, in_program, program_a, step):
    from summaries.models import SummaryState
    from workflow import services

    users = world.users
    with in_program(program_a):
        case = services.report_case(
            actor=users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Raised voices.",
            categories=["other"],
            severity="low",
            parties=[{"role": "harmed_person", "participant": _people("E")[0]}],
        )
        SummaryState.objects.update_or_create(
            program_id=program_a.pk,
            defaults={"dirty_since": None, "computed_at": timezone.now()},
        )
        getattr(services, step)(actor=users["a_lead"], case=case, reason="Sorted out.")
    assert SummaryState.objects.get(program_id=program_a.pk).dirty_since is not None


def test_the_catalogue_follows_the_workflow_choices_and_counts_are_keyed():
    """The workflow declares what is counted; a choice value is a key of its own, so one added
    later can never shift another figure (counts used to be positional arrays)."""
    from summaries import catalogue
    from summaries.metrics import as_tuples, count_keys
    from workflow.models import ActionKind, Category

    roots = catalogue.current().roots
    assert {f"category_{c}" for c in Category.values} <= {f.name for f in roots["cases"]}
    kinds = next(f for f in roots["actions"] if f.name == "kind")
    assert kinds.components == tuple(ActionKind.values)
    # A stored row written before a choice existed reads that choice as 0, the others as they were.
    old = {"actions": {"total": {"n": 2}, "kind": {"restitution": 2}}}
    row = dict(zip(kinds.components, as_tuples(old, "actions")["kind"], strict=True))
    assert row["restitution"] == 2 and sum(row.values()) == 2
    assert "cases.category_theft.yes" in count_keys()


def test_bans_by_length_supplied_days_and_changes_on_appeal(db, world, in_program, program_a):
    """Issue 14: an immediate ban six days ago with supplies once on its second day, replaced
    today by the decision's ban, itself replaced on appeal by a one-day ban."""
    from workflow import services
    from workflow.models import PartyRole
    from workflow.summary_counts import recompute_current_program

    users = world.users
    with in_program(program_a):
        river, sky, _wren = _people("S")
        case = services.report_case(
            actor=users["a_staff"],
            kind="incident",
            reported_at=in_last_month(6),
            occurred_at=in_last_month(6, -1),
            narrative="Threats at the door.",
            categories=["threat"],
            severity="high",
            parties=[
                {"role": PartyRole.HARMED_PERSON, "participant": river},
                {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": sky},
            ],
        )
        immediate = services.impose_ban(
            actor=users["a_staff"],
            case=case,
            participant=sky,
            reason="Threats",
            starts_at=timezone.now() - timedelta(days=6),
            days=10,
            **SUPPLIES,
        )
        services.log_supply_contact(
            actor=users["a_staff"],
            ban=immediate,
            reached_on=timezone.localdate(immediate.starts_at) + timedelta(days=1),
            method="offsite_bag",
        )
        services.acknowledge_case(actor=users["a_staff"], case=case)
        services.start_investigation(
            actor=users["a_lead"], case=case, investigator=users["a_staff2"]
        )
        sky_party = case.parties.get(role=PartyRole.PERSON_WHO_DID_HARM)
        due = timezone.localdate() + timedelta(days=7)

        def ban_action(days):
            return {
                "kind": "temporary_ban",
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky_party,
                "ban": {"days": days, **SUPPLIES},
            }

        services.decide_case(
            actor=users["a_lead"],
            case=case,
            reasons="Heard.",
            harmed_person_heard=True,
            actions=[ban_action(2)],
        )
        appeal = services.file_appeal(
            actor=users["a_staff"], case=case, party=sky_party, grounds="Long."
        )
        services.decide_appeal(
            actor=users["a_admin"],
            appeal=appeal,
            outcome="modified",
            reasons="One day.",
            actions=[ban_action(1)],
            reasons_for_parties="The decision was looked at again.",
        )
        counts = recompute_current_program()[last_month()]["counts"]
    assert seq(counts, "bans", "total") == [3]
    assert seq(counts, "bans", "length") == [2, 0, 1, 0, 0]  # 1 day x2 (one replaced at once), 6
    assert seq(counts, "bans", "appeal_change") == [1, 0, 2]
    # Six days of the immediate ban (the last past the interval), and today once, for the
    # reviewer's ban in effect now (the decision's was replaced the same moment it began).
    assert counts["ban_days"] == {"total": {"n": 7}, "supplies": {"within_interval": 6, "gap": 1}}
