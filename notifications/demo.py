"""Demo cases for `make run` whose reminders fall due in the first minutes, one or more of
every kind, so the bell and the mail folder show them. Built through the workflow steps; where
a deadline would be days away, the stored time is brought forward and the case's reminders
re-planned (demo data only)."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Participant
from workflow import services
from workflow.models import Appeal, Decision, FollowUp, RestorativeAction
from workflow.outbox.sync import sync_case_reminders
from workflow.reminders import ACTION_REMINDER_TIME

SUPPLIES = {
    "supply_access_plan": "offsite_bags",
    "supply_access_details": "A bag of supplies at the side door every morning.",
}


def _case(services, staff, people, *, reported_ago, narrative):
    reported = timezone.now() - reported_ago
    return services.report_case(
        actor=staff,
        kind="incident",
        occurred_at=reported - timedelta(hours=1),
        reported_at=reported,
        narrative=narrative,
        categories=["supply_or_service_dispute"],
        severity="moderate",
        location="front room",
        parties=[
            {"role": "harmed_person", "participant": people[0]},
            {"role": "person_who_did_harm", "participant": people[1]},
        ],
    )


def _decided(services, users, people, narrative, actions=()):
    staff, lead = users["staff"], users["lead"]
    case = _case(services, staff, people, reported_ago=timedelta(hours=3), narrative=narrative)
    services.acknowledge_case(actor=staff, case=case)
    services.start_investigation(actor=lead, case=case, investigator=users["admin"])
    hearing = services.schedule_hearing(
        actor=staff, case=case, scheduled_for=timezone.now(), facilitator=users["admin"]
    )
    services.record_hearing_outcome(actor=staff, hearing=hearing, harmed_person_heard=True)
    services.decide_case(
        actor=lead, case=case, reasons="Both were heard; repair together.", actions=list(actions)
    )
    return case


def load_demo_cases(program, users):
    """users: {"admin", "lead", "staff"} of the demo program."""
    now = timezone.now()
    soon = now + timedelta(minutes=2)
    staff, lead = users["staff"], users["lead"]
    with tenant_context(program):
        people = [
            Participant.objects.create(code=code, alias=alias)
            for code, alias in (("E-101", "Robin"), ("E-102", "Jay"), ("E-103", "Sam"))
        ]
        # Acknowledgement due tomorrow, then overdue in two minutes; response due and overdue.
        _case(
            services,
            staff,
            people,
            reported_ago=timedelta(days=2) - timedelta(minutes=2),
            narrative="Raised voices in the line for supplies.",
        )
        case = _case(
            services,
            staff,
            people,
            reported_ago=timedelta(days=7) - timedelta(minutes=3),
            narrative="A bag of supplies went missing from the counter.",
        )
        services.acknowledge_case(actor=staff, case=case)
        # A hearing tomorrow: its reminder goes out now.
        case = _case(
            services,
            staff,
            people,
            reported_ago=timedelta(hours=5),
            narrative="Shoving near the door at closing time.",
        )
        services.acknowledge_case(actor=staff, case=case)
        services.start_investigation(actor=lead, case=case, investigator=users["admin"])
        services.schedule_hearing(
            actor=staff,
            case=case,
            scheduled_for=soon + timedelta(days=1),
            facilitator=users["admin"],
        )
        # A ban ending tomorrow (welcome back) and behind on supplies, a restorative action due
        # today, follow-ups and a community check-in in a few minutes, and the appeal window
        # closing.
        case = _decided(
            services,
            users,
            people,
            "An argument over the last naloxone kit.",
            actions=[
                {
                    "kind": "storytelling_listening",
                    "owner": staff,
                    "due_date": timezone.localdate(),
                    "description": "A listening circle with both people.",
                }
            ],
        )
        services.impose_ban(
            actor=staff,
            case=case,
            participant=people[1],
            reason="Cooling-off time.",
            # Started five days ago with no supplies logged since: a supply gap.
            starts_at=now - timedelta(days=5),
            ends_at=soon + timedelta(days=1),
            **SUPPLIES,
        )
        for minutes, kind in enumerate(("follow_up", "community_check_in"), start=1):
            first = FollowUp.objects.filter(case=case, kind=kind).order_by("due_at").first()
            FollowUp.objects.filter(pk=first.pk).update(due_at=soon + timedelta(minutes=minutes))
        if timezone.localtime().time() < ACTION_REMINDER_TIME:
            # Before the morning reminder time, "due today" would wait until then.
            RestorativeAction.objects.filter(plan__case=case).update(
                due_date=timezone.localdate() - timedelta(days=1)
            )
        Decision.objects.filter(case=case).update(appeal_deadline=soon + timedelta(days=2))
        sync_case_reminders(case)
        # An appeal waiting for a reviewer: its decision is due tomorrow.
        case = _decided(services, users, people, "Staff asked a person to leave for the day.")
        services.file_appeal(
            actor=staff,
            case=case,
            party=case.parties.get(role="person_who_did_harm"),
            grounds="The person says they were not heard.",
        )
        Appeal.objects.filter(case=case).update(filed_at=soon - timedelta(days=6))
        sync_case_reminders(case)
