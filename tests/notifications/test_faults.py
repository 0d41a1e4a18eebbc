"""Fault tests: real PostgreSQL, a Redis server of our own, real worker and scheduler processes.
Every reminder is delivered exactly once although the worker is killed, Redis loses its data,
or PostgreSQL becomes unreachable; a reminder whose step was done in the meantime is not sent.

Twenty programs are cloned once for the module and dropped at its end."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.notifications.harness import (
    PostgresProxy,
    RedisServer,
    emails_sent,
    start_scheduler,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.slow

PROGRAMS = 20
PER_PROGRAM = 50  # 1,000 reminders


def _provision(index, department_id, tag):
    from accounts.models import Membership, Role, User
    from organizations.models import Domain, Program, ProgramType
    from organizations.services import program_host, provision_program

    try:
        slug = f"faults-{tag}-{index}"
        program = Program.objects.create(
            name=f"Faults {index}",
            slug=slug,
            program_type=ProgramType.DROP_IN,
            health_department_id=department_id,
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        program = provision_program(program_id=program.pk)
        assert program.status == "ready", program.failure_reason
        owner = User.objects.create_user(email=f"owner-{slug}@example.test")
        Membership.objects.create(user=owner, role=Role.PROGRAM_STAFF, program=program)
        return program, owner
    finally:
        connection.close()


@pytest.fixture(scope="module")
def fault_world(django_db_setup, django_db_blocker):
    """Twenty programs, each with one staff member who owns its cases (so each reminder has
    exactly one recipient)."""
    from tests.platform.conftest import drop_program

    with django_db_blocker.unblock():
        from organizations.models import HealthDepartment

        tag = uuid.uuid4().hex[:6]
        department = HealthDepartment.objects.create(name=f"Fault department {tag}")
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(lambda i: _provision(i, department.pk, tag), range(PROGRAMS)))
        try:
            yield made
        finally:
            connection.set_schema_to_public()
            for program, _owner in made:
                drop_program(program.pk)
            department.delete()


@pytest.fixture
def procs(fault_world, django_db_blocker, tmp_path):
    """Redis of our own; start_worker()/start_scheduler() start real processes on it and on the
    test database; everything started is stopped afterwards, and the test's data removed."""
    from django.conf import settings

    from workflow.outbox.models import Reminder

    redis = RedisServer().start()
    started = []
    mail = tmp_path / "mail"
    mail.mkdir()
    name = connection.settings_dict["NAME"]
    base = settings.DATABASE_URL.rpartition("/")[0]

    class Procs:
        redis_server = redis
        mail_dir = mail
        database_url = f"{base}/{name}"
        owner_url = f"{settings.DATABASE_OWNER_URL.rpartition('/')[0]}/{name}"
        namespace = f"faults-{uuid.uuid4().hex[:8]}"

        def env(self, database_url=None):
            from tests.notifications.harness import child_env

            return child_env(
                database_url=database_url or self.database_url,
                owner_url=self.owner_url,
                redis_url=redis.url,
                namespace=self.namespace,
                mail_dir=mail,
            )

        def worker(self, database_url=None):
            process = start_worker(self.env(database_url), tmp_path / "worker.log")
            started.append(process)
            return process

        def scheduler(self):
            process = start_scheduler(self.env(), tmp_path / "scheduler.log")
            started.append(process)
            return process

    with django_db_blocker.unblock():
        try:
            yield Procs()
        finally:
            for process in started:
                process.stop()
            redis.kill()
            connection.set_schema_to_public()
            # Cases stay (the timeline refuses deletion); their schemas go with the module.
            Reminder.objects.filter(program__in=[p for p, _o in fault_world]).delete()
            connection.set_schema_to_public()


def make_due_reminders(fault_world, *, start_in, spread):
    """PER_PROGRAM open cases per program, each with its acknowledgement-overdue reminder
    falling due between start_in and start_in + spread from now. Returns their keys."""
    from tenants.policy import current_policy
    from tests.factories import CaseFactory
    from workflow.models import Case
    from workflow.outbox.models import Reminder

    now = timezone.now()
    total = PROGRAMS * PER_PROGRAM
    reminders = []
    for p_index, (program, owner) in enumerate(fault_world):
        with tenant_context(program):
            policy = current_policy()
            cases = [
                CaseFactory.build(
                    reported_by=owner,
                    reported_at=now - timedelta(hours=1),
                    policy_version=policy,
                    # Interleave the programs along the due times.
                    acknowledgement_due_at=now + start_in + spread * n / total,
                )
                for n in range(p_index, total, PROGRAMS)
            ]
            for case in Case.objects.bulk_create(cases):
                reminders.append(
                    Reminder(
                        program=program,
                        case_id=case.pk,
                        kind="acknowledgement_overdue",
                        ref_id=case.pk,
                        target_at=case.acknowledgement_due_at,
                        due_at=case.acknowledgement_due_at,
                        idempotency_key=(
                            f"p{program.pk}:acknowledgement_overdue:{case.pk}:"
                            f"{int(case.acknowledgement_due_at.timestamp())}:"
                            f"{int(case.acknowledgement_due_at.timestamp())}"
                        ),
                    )
                )
    connection.set_schema_to_public()
    Reminder.objects.bulk_create(reminders)
    return {r.idempotency_key for r in reminders}


def delivered_count(fault_world):
    """Delivered reminders of the fault programs (polled while the processes work)."""
    from workflow.outbox.models import Reminder

    return Reminder.objects.filter(
        program__in=[p for p, _o in fault_world], state="delivered"
    ).count()


def assert_each_delivered_once(fault_world, keys, mail_dir):
    from notifications.models import Notification
    from workflow.outbox.models import Reminder

    programs = [p for p, _o in fault_world]
    states = Reminder.objects.filter(program__in=programs).values_list("state", flat=True)
    assert set(states) == {"delivered"}
    notifications = Notification.objects.filter(program__in=programs)
    assert notifications.count() == len(keys)
    assert notifications.filter(emailed=True).count() == len(keys)
    # The same notification never twice for the same person and reminder.
    assert Notification.objects.filter(program__in=programs).values(
        "reminder"
    ).distinct().count() == len(keys)
    sent = emails_sent(mail_dir)
    expected = {
        f"{key}|u{owner.pk}|email"
        for key in keys
        for p, owner in fault_world
        if key.startswith(f"p{p.pk}:")
    }
    assert set(sent) == expected
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1][:5]


def test_worker_killed_mid_batch_then_restarted(procs, fault_world):
    keys = make_due_reminders(
        fault_world, start_in=timedelta(seconds=2), spread=timedelta(seconds=4)
    )
    procs.scheduler()
    worker = procs.worker()
    wait_for(lambda: delivered_count(fault_world) >= 250, timeout=60, message="first deliveries")
    worker.kill()  # SIGKILL, mid-batch: its in-flight messages are never acknowledged
    at_kill = delivered_count(fault_world)
    assert at_kill < len(keys)
    procs.worker()
    wait_for(lambda: delivered_count(fault_world) == len(keys), timeout=90, message="all delivered")
    assert_each_delivered_once(fault_world, keys, procs.mail_dir)


def test_redis_restarted_with_data_lost_mid_batch(procs, fault_world):
    keys = make_due_reminders(
        fault_world, start_in=timedelta(seconds=2), spread=timedelta(seconds=4)
    )
    procs.scheduler()
    worker = procs.worker()
    wait_for(lambda: delivered_count(fault_world) >= 250, timeout=60, message="first deliveries")
    procs.redis_server.restart_empty()  # every queued message is gone
    assert delivered_count(fault_world) < len(keys)
    wait_for(lambda: delivered_count(fault_world) == len(keys), timeout=90, message="all delivered")
    assert worker.alive()
    assert_each_delivered_once(fault_world, keys, procs.mail_dir)


def test_postgres_unreachable_for_30_seconds(procs, fault_world):
    db = connection.settings_dict
    proxy = PostgresProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).start()
    try:
        user = db["USER"] or "postgres"
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        worker = procs.worker(f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{db['NAME']}")
        procs.scheduler()
        proxy.cut()
        keys = make_due_reminders(
            fault_world, start_in=timedelta(seconds=1), spread=timedelta(seconds=10)
        )
        time.sleep(30)  # the reminders fall due and are dispatched; the worker cannot deliver
        assert delivered_count(fault_world) == 0
        assert worker.alive()
        proxy.restore()
        wait_for(
            lambda: delivered_count(fault_world) == len(keys), timeout=90, message="all delivered"
        )
        assert worker.alive()
        assert_each_delivered_once(fault_world, keys, procs.mail_dir)
    finally:
        proxy.close()


def test_step_done_between_claim_and_delivery_is_not_sent(procs, fault_world):
    from config.broker import build_broker
    from notifications.models import Notification
    from notifications.services.dispatch import claim_due
    from notifications.tasks import deliver_reminders_of_programs
    from tenants.models import Participant
    from workflow.models import Case
    from workflow.outbox.models import Reminder
    from workflow.services import acknowledge_case, report_case

    (program, owner), (other, other_owner) = fault_world[0], fault_world[1]
    reported = timezone.now() - timedelta(days=3)  # acknowledgement is overdue already
    cases = {}
    for key, (prog, user) in (("service", (program, owner)), ("direct", (other, other_owner))):
        with tenant_context(prog):
            person = Participant.objects.create(code=f"T-{uuid.uuid4().hex[:6]}")
            cases[key] = report_case(
                parties=[{"role": "harmed_person", "participant": person}],
                actor=user,
                kind="incident",
                occurred_at=reported,
                reported_at=reported,
                narrative="Pushing at the door.",
                categories=["violence"],
                severity="low",
            )
    connection.set_schema_to_public()
    ours = Reminder.objects.filter(
        program__in=[program, other], state="pending", due_at__lte=timezone.now()
    )
    assert list(ours.values_list("kind", flat=True)) == ["acknowledgement_overdue"] * 2
    mine = set(ours.values_list("pk", flat=True))
    claimed = claim_due()
    assert mine <= {pk for chunk in claimed.values() for pk in chunk}

    # Between claim and delivery: one case acknowledged through its step (which cancels the
    # reminder in its transaction), the other changed without it (only the worker's own check
    # can catch that).
    with tenant_context(program):
        acknowledge_case(actor=owner, case=cases["service"])
    with tenant_context(other):
        Case.objects.filter(pk=cases["direct"].pk).update(acknowledged_at=timezone.now())
    connection.set_schema_to_public()

    broker = build_broker(url=procs.redis_server.url, namespace=procs.namespace)
    # One message for both programs, as the dispatcher sends them.
    work = {schema: chunk for schema, chunk in claimed.items()}
    broker.enqueue(
        deliver_reminders_of_programs.message_with_options(args=(work,), schema_names=sorted(work))
    )
    procs.worker()
    rows = Reminder.objects.filter(pk__in=mine)
    wait_for(lambda: not rows.filter(state="enqueued").exists(), timeout=60, message="worker")
    assert set(rows.values_list("state", flat=True)) == {"cancelled"}
    assert not Notification.objects.filter(reminder__in=rows).exists()
    assert not [
        k for k in emails_sent(procs.mail_dir) if k.startswith((f"p{program.pk}:", f"p{other.pk}:"))
    ]
