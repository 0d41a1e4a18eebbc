"""Staff pages: median server time of Today and of a case page for a program with 10,000 cases
and 2,000 participants, and the queries per page at 100 vs 10,000 cases (must be equal).

The data is made with bulk_create in two bench programs and kept between runs (it is found
again by its size)."""

import random
import time
from datetime import timedelta

from _django import median, percentile
from _stack import PASSWORD, staff_with_password

PROGRAMS = {"bench-pages-small": (100, 40), "bench-pages-big": (10_000, 2_000)}
STAFF_EMAIL = "bench-pages-staff@example.test"
ROUNDS = 40


def _program(slug, department, user):
    from accounts.models import Membership, Role
    from organizations.models import Domain, Program, ProgramType
    from organizations.services import program_host, provision_program

    program = Program.objects.filter(slug=slug).first()
    if program is None:
        program = Program.objects.create(
            name=slug, slug=slug, program_type=ProgramType.DROP_IN, health_department=department
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        program = provision_program(program_id=program.pk)
    Membership.objects.get_or_create(user=user, program=program, role=Role.PROGRAM_LEAD)
    return program


def _fill(n_cases, n_people, user):
    """Cases in every state, two parties each, bans ending soon, follow-ups due, and one case
    run through every step with the services (the case page measured)."""
    from django.utils import timezone

    from tenants.models import Participant
    from tenants.policy import current_policy
    from workflow.models import Ban, Case, CaseParty, FollowUp
    from workflow.states import FINAL_STATES, State

    rng = random.Random(4)
    policy = current_policy()
    now = timezone.now()
    people = Participant.objects.bulk_create(
        Participant(code=f"P-{i:05d}", alias=f"Alias {i}") for i in range(n_people)
    )
    states = list(State)
    cases = []
    for i in range(n_cases):
        reported = now - timedelta(hours=rng.randint(1, 24 * 120))
        state = states[i % len(states)]
        final = state in FINAL_STATES
        cases.append(
            Case(
                kind="incident",
                state=state,
                occurred_at=reported - timedelta(hours=1),
                reported_at=reported,
                narrative=f"Bench incident {i}: an argument at the supply table.",
                categories=["supply_or_service_dispute"],
                severity="moderate",
                policy_version=policy,
                acknowledgement_due_at=reported + timedelta(days=2),
                response_due_at=reported + timedelta(days=7),
                acknowledged_at=None if state == State.REPORTED else reported + timedelta(hours=5),
                responded_at=reported + timedelta(days=3)
                if state in {State.DECIDED, State.APPEALED, State.RESTORING} or final
                else None,
                owner_id=user.pk if i % 7 == 0 else None,
                reported_by_id=user.pk,
                ended_at=reported + timedelta(days=5) if final else None,
                ending_reason="Bench" if state in {State.WITHDRAWN, State.RESOLVED_EARLY} else "",
            )
        )
    cases = Case.objects.bulk_create(cases, batch_size=2000)
    parties = []
    for case in cases:
        a, b = rng.sample(people, 2)
        parties.append(CaseParty(case=case, role="harmed_person", participant=a))
        parties.append(CaseParty(case=case, role="person_who_did_harm", participant=b))
    CaseParty.objects.bulk_create(parties, batch_size=5000)
    bans = []
    for case in cases[: max(5, n_cases // 10)]:
        starts = now - timedelta(days=1)
        bans.append(
            Ban(
                case=case,
                participant=people[case.pk % len(people)],
                starts_at=starts,
                ends_at=starts + timedelta(days=rng.randint(2, 7)),
                max_days=policy.max_ban_days,
                reason="Bench",
                supply_access_plan="outreach",
                supply_access_details="Outreach van",
                imposed_by_id=user.pk,
            )
        )
    Ban.objects.bulk_create(bans, batch_size=2000)
    restoring = [c for c in cases if c.state == State.RESTORING]
    FollowUp.objects.bulk_create(
        (
            FollowUp(case=c, kind="follow_up", due_at=now + timedelta(days=rng.randint(-3, 60)))
            for c in restoring
        ),
        batch_size=2000,
    )


def _sample_case(user, staff2):
    """A case taken through the steps up to a decision with a plan, by the services."""
    from django.utils import timezone

    from tenants.models import Participant
    from workflow import services

    river, sky = Participant.objects.order_by("id")[:2]
    case = services.report_case(
        actor=user,
        kind="complaint",
        occurred_at=timezone.now() - timedelta(hours=2),
        narrative="The sample case of the page benchmark.",
        categories=["threat"],
        severity="high",
        parties=[
            {"role": "harmed_person", "participant": river},
            {"role": "person_who_did_harm", "participant": sky},
        ],
        issue_tracking_code=True,
    )
    services.acknowledge_case(actor=user, case=case)
    services.start_investigation(actor=user, case=case, investigator=staff2)
    services.add_statement(actor=user, case=case, content="What I saw.")
    hearing = services.schedule_hearing(
        actor=user, case=case, scheduled_for=timezone.now(), facilitator=staff2
    )
    services.record_hearing_outcome(actor=user, hearing=hearing, harmed_person_heard=True)
    party = case.parties.get(participant=sky)
    services.decide_case(
        actor=user,
        case=case,
        reasons="Both heard.",
        actions=[
            {
                "kind": "restorative_labor",
                "owner": staff2,
                "due_date": timezone.localdate() + timedelta(days=5),
                "for_party": party,
            }
        ],
    )
    return case


def _analyze(schema):
    """Fresh planner statistics, as autovacuum gathers within a minute of a bulk load (only the
    owner may ANALYZE)."""
    from django.db import connections

    owner = connections["owner"]
    owner.set_schema_to_public()
    with owner.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'ANALYZE "{schema}"."{table}"')


def prepare():
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import Membership, Role, User
    from organizations.models import HealthDepartment
    from workflow.models import Case

    department, _ = HealthDepartment.objects.get_or_create(name="Bench Department")
    user = User.objects.filter(email=STAFF_EMAIL).first() or User.objects.create_user(
        email=STAFF_EMAIL, first_name="Bench"
    )
    staff2 = User.objects.filter(email="2-" + STAFF_EMAIL).first() or User.objects.create_user(
        email="2-" + STAFF_EMAIL, first_name="Second"
    )
    prepared = {}
    for slug, (n_cases, n_people) in PROGRAMS.items():
        program = _program(slug, department, user)
        Membership.objects.get_or_create(user=staff2, program=program, role=Role.PROGRAM_STAFF)
        with tenant_context(program):
            sample = Case.objects.filter(kind="complaint").first()
            if Case.objects.count() < n_cases:
                started = time.perf_counter()
                _fill(n_cases, n_people, user)
                sample = _sample_case(user, staff2)
                _analyze(program.schema_name)
                print(f"  built {slug}: {n_cases} cases in {time.perf_counter() - started:.1f} s")
            prepared[slug] = (program, sample.pk)
        connection.set_schema_to_public()
    return user, prepared


def _measure(client, url, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def run(rounds=ROUNDS):
    from django.db import connection
    from django.test import Client

    from organizations.services import program_host

    user, prepared = prepare()
    staff_with_password(user.email)
    results = {}
    # A persistent database connection, as deployed (production.py: DB_CONN_MAX_AGE).
    connection.settings_dict["CONN_MAX_AGE"] = 600
    for slug, (program, case_id) in prepared.items():
        client = Client(HTTP_HOST=program_host(program.slug))
        # Through the sign-in form: a session is bound to the site that made it, and one made
        # by force_login is bound to none (Today then measured the public front door).
        signed_in = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.content[:500]
        for name, url in (("today", "/"), ("case", f"/cases/{case_id}/")):
            results[(slug, name)] = _measure(client, url, rounds)
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Staff pages (server time through the full middleware stack; load average {load})")
    big, small = "bench-pages-big", "bench-pages-small"
    figures = {}
    for name, label in (("today", "Today page"), ("case", "case page ")):
        times, queries = results[(big, name)]
        _small_times, small_queries = results[(small, name)]
        ms = median(times) * 1000
        figures[name] = ms
        print(
            f"  {label} at 10,000 cases: median {ms:6.1f} ms, p90 "
            f"{percentile(times, 90) * 1000:6.1f} ms  (target: < 50 ms)"
        )
        same = "equal" if queries == small_queries else "NOT EQUAL"
        print(f"  {label} queries: {small_queries} at 100 cases, {queries} at 10,000 ({same})")
    return figures
