"""Cluster: the production stack as separate hosts (network namespaces on 10.77.0.0/24, made
here and removed at the end): PostgreSQL, Redis, S3, HAProxy in front of two web hosts
(gunicorn, config.production), two worker hosts and two schedulers. Staff requests run through
HAProxy for BENCH_CLUSTER_SECONDS while reminders fall due; meanwhile one web host dies, one
worker host dies (SIGKILL) and the active scheduler's host dies, each as a power cut does (the
link goes first, so no peer hears the connections close).

Prints requests served and failed (a failure in flight on the dying web host is allowed),
reminders due, delivered and duplicated (emails go to a plain file backend that keeps every
send, so a second send shows), and how long the standby scheduler took to take over.
Targets: no other failed request, every reminder delivered exactly once, takeover < 15 s.

Needs root (namespaces), HAProxy (apt-get install -y haproxy) and PostgreSQL 15's binaries.
"""

import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import _django
import _netns
from _cluster_services import (
    LB_PORT,
    PG_BIN,
    WEB_PORT,
    start_haproxy,
    start_postgres,
    start_redis,
    start_s3,
)
from _stack import get, process_env, sign_in, staff_with_password

OWN_SERVICES = True  # bench/run.py: sets Django up itself, on the cluster's database
SECONDS = int(os.environ.get("BENCH_CLUSTER_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_CLUSTER_CLIENTS", "4"))
REMINDERS = int(os.environ.get("BENCH_CLUSTER_REMINDERS", "1000"))
# The production default (notifications/conf.py); the fault tests use 5 s to be quick.
REENQUEUE_AFTER = os.environ.get("BENCH_CLUSTER_REENQUEUE_AFTER", "120")
TAKEOVER_TARGET = 15.0
HOSTS = [("db", 10), ("redis", 11), ("s3", 12), ("lb", 20), ("web1", 21), ("web2", 22)]
HOSTS += [("work1", 31), ("work2", 32), ("sched1", 41), ("sched2", 42)]
STAFF = "staff@cluster.example.test"
# The scheduler's advisory lock (notifications/scheduler.py), as pg_locks shows a bigint key.
LEADER_SQL = """
SELECT host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = %s
"""


def run():
    if os.geteuid() != 0 or not shutil.which("haproxy") or not PG_BIN.exists():
        raise SystemExit("cluster: needs root, haproxy and PostgreSQL 15 (see the docstring)")
    _netns.cleanup()  # a previous run that could not clean up
    folder = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    folder.chmod(0o711)  # PostgreSQL runs as its own user, in a folder below
    try:
        return _run(folder)
    except Exception:
        for log in [*sorted(folder.glob("*.log")), folder / "db" / "postgres.log"]:
            print(f"--- {log.name} ---\n{_netns.log_tail(log, 1500)}")
        raise
    finally:
        _netns.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _run(folder):
    started = time.monotonic()
    _netns.make_bridge()
    hosts = {name: _netns.Host(name, octet) for name, octet in HOSTS}
    admin_url = start_postgres(hosts["db"], folder / "db")
    redis_url = start_redis(hosts["redis"], folder)
    s3_url = start_s3(hosts["s3"], folder)
    app_url, owner_url = _setup_django(admin_url, redis_url)
    world = _seed()
    env = process_env(
        database_url=app_url,
        owner_url=owner_url,
        redis_url=redis_url,
        namespace="cluster",
        mail_dir=folder / "mail",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        OBJECT_STORAGE_URL=s3_url,
        DB_CONN_MAX_AGE="60",  # production's default
        # Every send is kept in a file of its own (Django's file backend), so a duplicate shows.
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        REMINDER_REENQUEUE_AFTER_SECONDS=REENQUEUE_AFTER,
        LOG_LEVEL="WARNING",
    )
    # why: the production-stack test's collectstatic and gunicorn command, as the image runs
    # them; bench only.
    from tests.production.stack import collectstatic, gunicorn_argv

    collectstatic(env, folder / "static")
    python = [sys.executable]
    for name in ("web1", "web2"):
        # Each host its own control socket (they share this machine's disk).
        web = gunicorn_argv(f"0.0.0.0:{WEB_PORT}", workers=2, control_socket=folder / f"{name}.ctl")
        hosts[name].run(web, folder / f"{name}.log", env)
    for name in ("web1", "web2"):
        _netns.wait_until(
            lambda h=hosts[name]: get(h.address, WEB_PORT, "localhost", "/healthz", {})[0] == 200,
            timeout=90,
            message=name,
        )
    start_haproxy(hosts["lb"], folder, [hosts["web1"], hosts["web2"]], world["site"])
    for name in ("work1", "work2"):
        # One at a time, to learn which Dramatiq worker id is whose (its first heartbeat).
        seen = _worker_ids(redis_url)
        hosts[name].run(
            [*python, "-m", "dramatiq", "config.worker", "--processes", "1", "--threads", "4"],
            folder / f"{name}.log",
            env,
        )
        _netns.wait_until(lambda seen=seen: _worker_ids(redis_url) - seen, timeout=90, message=name)
        world[name] = (_worker_ids(redis_url) - seen).pop()
    world["redis_url"] = redis_url
    scheduler = [*python, "manage.py", "run_scheduler"]
    hosts["sched1"].run(scheduler, folder / "sched1.log", env)
    _netns.wait_until(
        lambda: _leader(admin_url) == hosts["sched1"].address, timeout=60, message="a leader"
    )
    hosts["sched2"].run(scheduler, folder / "sched2.log", env)
    lb = hosts["lb"].address
    cookie = sign_in(lb, LB_PORT, world["site"], STAFF)
    print(f"Cluster bench: {len(HOSTS)} hosts up in {time.monotonic() - started:.0f} s")
    result = _scenario(hosts, admin_url, world, cookie)
    _report(result, world, folder / "mail")
    return result


def _setup_django(admin_url, redis_url):
    _django.add_paths()
    from config import services

    services.ensure_roles(admin_url)
    password = services.LOCAL_ROLE_PASSWORD
    app_url = services.url_with_user(admin_url, services.APP_ROLE, password)
    owner_url = services.url_with_user(admin_url, services.OWNER_ROLE, password)
    os.environ.update(
        DATABASE_URL=app_url,
        DATABASE_OWNER_URL=owner_url,
        REDIS_URL=redis_url,
        DRAMATIQ_NAMESPACE="cluster",
    )
    began = time.monotonic()
    _django.setup("harmrepair")
    print(f"  migrate_all on the new database: {time.monotonic() - began:.0f} s")
    return app_url, owner_url


def _seed():
    """A program made as provisioning makes it, a plain staff member with a password and an
    API token, and 200 cases under investigation for the pages."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import Membership, Role, User
    from organizations.models import Domain, HealthDepartment, Program, ProgramType
    from organizations.services import program_host, provision_program
    from tenants.api_tokens import create_member_token

    # why: the tests' factory fills in a plain case; bench only.
    from tests.factories import CaseFactory
    from workflow.models import Case

    department = HealthDepartment.objects.create(name="Cluster department")
    program = Program.objects.create(
        name="Cluster",
        slug="cluster",
        program_type=ProgramType.DROP_IN,
        health_department=department,
    )
    Domain.objects.create(domain=program_host("cluster"), tenant=program)
    program = provision_program(program_id=program.pk)
    User.objects.create_user(email=STAFF)
    staff = staff_with_password(STAFF)
    Membership.objects.create(user=staff, role=Role.PROGRAM_STAFF, program=program)
    with tenant_context(program):
        _token, token = create_member_token(
            actor=staff, name="cluster bench", days=30, verified=False
        )
        cases = CaseFactory.build_batch(200, state="investigating", reported_by=staff)
        Case.objects.bulk_create(cases)
    connection.set_schema_to_public()
    return {
        "program": program,
        "staff": staff,
        "site": program_host("cluster"),
        "case_id": cases[0].pk,
        "token": token,
    }


def _reminders_falling_due(world):
    """REMINDERS reported cases whose acknowledgement reminders fall due over the run, from 5 s
    in until 15 s before its end. Returns the last due time."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenants.policy import current_policy

    # why: the tests' factory fills in a plain case; bench only.
    from tests.factories import CaseFactory
    from workflow.models import Case
    from workflow.outbox.models import Reminder

    program, staff = world["program"], world["staff"]
    now = timezone.now()
    spread = (SECONDS - 20) / max(1, REMINDERS - 1)
    dues = [now + timedelta(seconds=5 + i * spread) for i in range(REMINDERS)]
    with tenant_context(program):
        policy = current_policy()
        reported = Case.objects.bulk_create(
            CaseFactory.build(
                reported_by=staff,
                reported_at=now - timedelta(hours=1),
                policy_version=policy,
                acknowledgement_due_at=due,
            )
            for due in dues
        )
    connection.set_schema_to_public()
    reminders = []
    for case, due in zip(reported, dues, strict=True):
        stamp = int(case.acknowledgement_due_at.timestamp())
        # The key delivery expects (notifications.services.sync), as the production test has it.
        key = f"p{program.pk}:acknowledgement_overdue:{case.pk}:{stamp}:{stamp}"
        reminders.append(
            Reminder(
                program=program,
                case_id=case.pk,
                kind="acknowledgement_overdue",
                ref_id=case.pk,
                target_at=due,
                due_at=due,
                idempotency_key=key,
            )
        )
    Reminder.objects.bulk_create(reminders)
    return dues[-1]


def _leader(admin_url):
    """The address of the host whose scheduler holds the lock, or None."""
    # why: the scheduler's lock key; read here only, as an operator would.
    import psycopg

    from notifications.scheduler import SCHEDULER_LOCK_KEY

    with psycopg.connect(admin_url.replace("/harmrepair", "/postgres"), connect_timeout=2) as c:
        row = c.execute(LEADER_SQL, [SCHEDULER_LOCK_KEY]).fetchone()
    return row[0] if row else None


class Load:
    """CLIENTS threads, each asking in turn for Today, a case page and the case list API
    through HAProxy until stopped; every request kept as (start, end, status or error)."""

    def __init__(self, address, world, cookie):
        site, case_id = world["site"], world["case_id"]
        page = {"Cookie": cookie}
        api = {"Authorization": f"Bearer {world['token']}"}
        self.targets = [("/", page), (f"/cases/{case_id}/", page), ("/api/cases/", api)]
        self.address, self.site = address, site
        self.requests = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(i,)) for i in range(CLIENTS)]

    def _client(self, offset):
        turn = offset
        while not self.stopping.is_set():
            path, headers = self.targets[turn % len(self.targets)]
            turn += 1
            began = time.monotonic()
            try:
                status, _body = get(self.address, LB_PORT, self.site, path, headers, timeout=90)
            except OSError as exc:
                status = type(exc).__name__
            self.requests.append((began, time.monotonic(), status))

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)


def _scenario(hosts, admin_url, world, cookie):
    from workflow.outbox.models import Reminder

    load = Load(hosts["lb"].address, world, cookie)
    last_due = _reminders_falling_due(world)
    began = time.monotonic()
    load.start()
    at = {}

    def wait_until_second(second):
        time.sleep(max(0.0, began + second - time.monotonic()))

    wait_until_second(SECONDS * 0.25)
    at["web"] = time.monotonic()
    hosts["web1"].die()
    print(f"  {at['web'] - began:5.1f} s: web1 died")
    wait_until_second(SECONDS * 0.4)
    # Killed while it holds messages (taken from the queue, not yet acknowledged), if that
    # happens within 10 s: what it was delivering must still arrive, once.
    held = 0
    while time.monotonic() < began + SECONDS * 0.4 + 10 and not held:
        held = _messages_held(world["redis_url"], world["work1"])
        time.sleep(0.02)
    at["worker"] = time.monotonic()
    hosts["work1"].die()
    print(f"  {at['worker'] - began:5.1f} s: work1 died (SIGKILL) holding {held} message(s)")
    wait_until_second(SECONDS * 0.55)
    active = next(h for h in ("sched1", "sched2") if hosts[h].address == _leader(admin_url))
    standby = hosts["sched2" if active == "sched1" else "sched1"]
    at["scheduler"] = time.monotonic()
    hosts[active].die()
    print(f"  {at['scheduler'] - began:5.1f} s: {active} (the active scheduler) died")
    takeover = None
    deadline = at["scheduler"] + 120
    while time.monotonic() < deadline:
        if _leader(admin_url) == standby.address:
            takeover = time.monotonic() - at["scheduler"]
            break
        time.sleep(0.1)
    wait_until_second(SECONDS)
    load.stop()
    # Then every reminder should arrive: a killed worker's messages come back after Dramatiq's
    # heartbeat timeout (60 s), or from the dispatcher after REENQUEUE_AFTER.
    wait = timedelta(seconds=int(REENQUEUE_AFTER) * 2 + 60)
    reminders = Reminder.objects.filter(program=world["program"])
    _django.wait_until_delivered(reminders, until=last_due + wait, poll=1)
    return {"requests": load.requests, "at": at, "takeover": takeover, "began": began}


def _worker_ids(redis_url):
    """Dramatiq worker ids with a heartbeat (dramatiq/brokers/redis/dispatch.lua)."""
    import redis

    with redis.Redis.from_url(redis_url) as client:
        return {m.decode() for m in client.zrange("cluster:__heartbeats__", 0, -1)}


def _messages_held(redis_url, worker_id):
    import redis

    with redis.Redis.from_url(redis_url) as client:
        keys = client.keys(f"cluster:__acks__.{worker_id}.*")
        return sum(client.scard(key) for key in keys)


def _sends(mail_dir):
    """Counter of delivery keys over every email sent (the file backend appends each send)."""
    keys = Counter()
    for path in Path(mail_dir).glob("*.log"):
        # The file backend writes each email followed by a line of 79 dashes.
        for sent in path.read_text().split("\n" + "-" * 79 + "\n"):
            keys.update(message_from_string(sent).get("X-Reminder-Delivery", "").split())
    return keys


def _report(result, world, mail_dir):
    from django.db.models import F, Max

    from notifications.models import Notification
    from workflow.outbox.models import Reminder

    requests, at = result["requests"], result["at"]
    ok = [r for r in requests if r[2] == 200]
    failed = [r for r in requests if r[2] != 200]
    spanning = [r for r in requests if r[0] <= at["web"] <= r[1]]
    in_flight = [r for r in failed if r[0] <= at["web"] <= r[1]]
    slowest = max(end - start for start, end, _s in requests)
    statuses = Counter(str(r[2]) for r in failed)
    print(f"  requests: {len(requests)} through HAProxy by {CLIENTS} clients over {SECONDS} s")
    print(f"    served {len(ok)}, failed {len(failed)} {dict(statuses) or ''}")
    print(
        f"    in flight when web1 died: {len(spanning)}, of which failed {len(in_flight)}"
        f" (the others answered by web2 after HAProxy gave up on web1)"
    )
    print(f"    others failed: {len(failed) - len(in_flight)} (target 0); slowest {slowest:.1f} s")
    reminders = Reminder.objects.filter(program=world["program"])
    delivered = reminders.filter(state="delivered")
    late = delivered.aggregate(m=Max(F("delivered_at") - F("due_at")))["m"]
    resent = reminders.filter(attempts__gt=1).count()
    sends = _sends(mail_dir)
    duplicated = sum(n - 1 for n in sends.values() if n > 1)
    notifications = Notification.objects.filter(program=world["program"]).count()
    print(f"  reminders due: {reminders.count()}, delivered: {delivered.count()}", end="")
    print(f" (latest {late.total_seconds():.0f} s after due)" if late else "")
    sent = sum(sends.values())
    print(f"    emails sent: {sent} for {len(sends)} deliveries, duplicated {duplicated}")
    print(f"    in-app notifications: {notifications}; reminders sent to a worker again: {resent}")
    takeover = result["takeover"]
    if takeover is None:
        print("  scheduler takeover: the standby had not taken over after 120 s")
    else:
        print(f"  scheduler takeover: {takeover:.1f} s after the active one died (target < 15 s)")
    met = (
        len(failed) == len(in_flight)
        and delivered.count() == reminders.count() == len(sends)
        and duplicated == 0
        and takeover is not None
        and takeover < TAKEOVER_TARGET
    )
    print(f"  targets {'met' if met else 'NOT met'}")
    result["met"] = met
