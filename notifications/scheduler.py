"""The scheduler: one active process at a time (a PostgreSQL advisory lock elects it), running
periodic ticks. A second scheduler waits as a standby and takes over if the first dies."""

import logging
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from notifications.services.digest import send_daily_digests as send
from notifications.services.dispatch import dispatch_due_reminders as dispatch
from organizations.jobs import send_for_program
from organizations.models import Program, ProgramStatus
from organizations.services import requeue_stalled_jobs as requeue
from summaries.services import summaries_tick
from workflow.tasks import purge_expired_cases_job

logger = logging.getLogger(__name__)

# Any fixed 64-bit number, the same in every scheduler process.
SCHEDULER_LOCK_KEY = 7_431_205_118


# The lock lives as long as the leader's database session. A leader whose host dies without
# closing its connection (power cut, network cut) would keep that session, and the lock, until
# TCP gives up on it: two hours by default, with no scheduler running meanwhile. So the server
# probes every scheduler's connection after 2 s of quiet, every second, and drops it after 3
# unanswered probes, or when what it sent is unacknowledged for 5 s: a standby takes over
# within about 5 s plus one tick (bench/run.py cluster measures it). Ignored on a Unix socket.
DEAD_PEER_SETTINGS = {
    "tcp_keepalives_idle": "2",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "5000",
}


def try_become_leader():
    with connection.cursor() as cursor:
        for name, value in DEAD_PEER_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def requeue_stalled_jobs():
    return requeue()


RETENTION_EVERY = timedelta(hours=6)
_retention = {"next_at": None}


def enqueue_retention_purges(*, now=None):
    """Every few hours, one retention job per program (each runs in its own schema). After a
    restart it runs at once: the job is idempotent, so an extra run costs nothing."""
    now = now or timezone.now()
    if _retention["next_at"] and now < _retention["next_at"]:
        return 0
    _retention["next_at"] = now + RETENTION_EVERY
    schemas = list(
        Program.objects.filter(status=ProgramStatus.READY).values_list("schema_name", flat=True)
    )
    for schema in schemas:
        send_for_program(purge_expired_cases_job, schema)
    return len(schemas)


def dispatch_due_reminders():
    return dispatch()


def send_daily_digests():
    return send()


TICKS = [
    requeue_stalled_jobs,
    dispatch_due_reminders,
    send_daily_digests,
    enqueue_retention_purges,
    summaries_tick,
]


# Seconds between ticks: a reminder goes out at most this long after it falls due.
TICK_SECONDS = 5.0


def run_forever(*, interval=TICK_SECONDS, stop=lambda: False):
    leader = False
    while not stop():
        try:
            if not leader:
                leader = try_become_leader()
                if leader:
                    logger.info("Scheduler is active.")
            if leader:
                for tick in TICKS:
                    tick()
        except Exception:
            # A lost database connection also loses the lock: start over as a standby.
            logger.exception("Scheduler tick failed; retrying.")
            leader = False
            connection.close()
        time.sleep(interval)
