"""Two staff deciding the same case at once: one decision wins, the other is told why.

This needs committed data seen by two real connections. The per-test transaction would hide
it, so every step here runs in its own thread (its own connection, autocommit), and the test
removes exactly what it created from program A's schema afterwards; the session's world in
the public schema is untouched."""

import threading
from datetime import timedelta

from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from workflow.errors import StepNotAllowed


def run_in_thread(program, fn, *, barrier=None):
    """Run fn() on a fresh connection inside the program's schema; return or raise its
    result."""
    database = connection.settings_dict["NAME"]
    result = {}

    def target():
        connection.settings_dict["NAME"] = database  # the test database, like the caller
        try:
            with tenant_context(program):
                if barrier is not None:
                    barrier.wait(timeout=10)
                result["value"] = fn()
        except Exception as exc:  # handed back to the caller
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, result


def wait(thread, result):
    thread.join(timeout=30)
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _create_decidable_case(users):
    from tenants.models import Participant, PolicyVersion
    from workflow import services

    had_policy = set(PolicyVersion.objects.values_list("pk", flat=True))
    harmed = Participant.objects.create(code="CONC-1")
    other = Participant.objects.create(code="CONC-2")
    case = services.report_case(
        actor=users["a_staff"],
        kind="incident",
        occurred_at=timezone.now() - timedelta(hours=1),
        narrative="Pushing",
        categories=["violence"],
        severity="low",
        parties=[
            {"role": "harmed_person", "participant": harmed},
            {"role": "person_who_did_harm", "participant": other},
        ],
    )
    services.acknowledge_case(actor=users["a_staff"], case=case)
    services.start_investigation(actor=users["a_lead"], case=case, investigator=users["a_staff2"])
    new_policies = set(PolicyVersion.objects.values_list("pk", flat=True)) - had_policy
    return case, [harmed.pk, other.pk], sorted(new_policies)


def _cleanup(case_id, participant_ids, policy_ids):
    from tenants.models import Participant, PolicyVersion
    from workflow.models import Case
    from workflow.retention import lift_append_only_guard

    # As the owner (the app role may not delete timeline events, whatever it sets).
    owner = connections["owner"]
    owner.set_schema(connection.schema_name)
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        lift_append_only_guard(cursor)
        Case.objects.using("owner").filter(pk=case_id).delete()
        Participant.objects.using("owner").filter(pk__in=participant_ids).delete()
        PolicyVersion.objects.using("owner").filter(pk__in=policy_ids).delete()
    owner.set_schema_to_public()


def test_concurrent_decisions_leave_one(db, world):
    from workflow import services
    from workflow.models import CaseEvent, Decision

    program, users = world.programs["a"], world.users
    case, participant_ids, policy_ids = wait(
        *run_in_thread(program, lambda: _create_decidable_case(users))
    )
    try:
        barrier = threading.Barrier(2)
        runs = {
            key: run_in_thread(
                program,
                lambda key=key: services.decide_case(
                    actor=users[key],
                    case=case,
                    reasons=f"Decided by {key}",
                    harmed_person_heard=True,
                ),
                barrier=barrier,
            )
            for key in ("a_lead", "a_admin")
        }
        outcomes = {}
        for key, (thread, result) in runs.items():
            try:
                outcomes[key] = wait(thread, result)
            except StepNotAllowed as exc:
                outcomes[key] = exc
        winners = [v for v in outcomes.values() if isinstance(v, Decision)]
        losers = [v for v in outcomes.values() if isinstance(v, StepNotAllowed)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert "Decided" in losers[0].message

        def count():
            return (
                Decision.objects.filter(case_id=case.pk).count(),
                CaseEvent.objects.filter(case_id=case.pk, action="decide_case").count(),
            )

        assert wait(*run_in_thread(program, count)) == (1, 1)
    finally:
        wait(*run_in_thread(program, lambda: _cleanup(case.pk, participant_ids, policy_ids)))


def test_two_cases_banning_one_person_at_once_leave_one_welcome_back_date(db, world):
    """Issue 14: each ban is checked against the person's other running bans; two staff
    banning the same person from two cases at the same moment cannot both miss the other."""
    from workflow import services
    from workflow.errors import NeedsChoice
    from workflow.models import Ban

    program, users = world.programs["a"], world.users
    first, participant_ids, policy_ids = wait(
        *run_in_thread(program, lambda: _create_decidable_case(users))
    )

    def party_case():
        from tenants.models import Participant

        return services.report_case(
            actor=users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Pushing again",
            categories=["violence"],
            severity="low",
            parties=[
                {
                    "role": "person_who_did_harm",
                    "participant": Participant.objects.get(pk=participant_ids[1]),
                }
            ],
        )

    second = wait(*run_in_thread(program, party_case))
    try:
        barrier = threading.Barrier(2)

        def ban(case):
            from tenants.models import Participant

            return services.impose_ban(
                actor=users["a_staff"],
                case=case,
                participant=Participant.objects.get(pk=participant_ids[1]),
                reason="Pushing",
                days=3,
                supply_access_plan="outreach",
                supply_access_details="Van",
            )

        runs = [
            run_in_thread(program, lambda c=c: ban(c), barrier=barrier) for c in (first, second)
        ]
        outcomes = []
        for thread, result in runs:
            try:
                outcomes.append(wait(thread, result))
            except NeedsChoice as exc:
                outcomes.append(exc)
        assert sorted(type(o).__name__ for o in outcomes) == ["Ban", "NeedsChoice"], outcomes
        running = wait(
            *run_in_thread(
                program,
                lambda: Ban.objects.running().filter(participant_id=participant_ids[1]).count(),
            )
        )
        assert running == 1
    finally:
        wait(*run_in_thread(program, lambda: _cleanup(second.pk, [], [])))
        wait(*run_in_thread(program, lambda: _cleanup(first.pk, participant_ids, policy_ids)))
