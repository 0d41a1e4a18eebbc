"""The dispatcher (a scheduler tick): claim due reminders and hand them to workers.

Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED and marked enqueued in one short
transaction; messages go to the broker only after it commits. If the process dies in between,
or the broker loses the message, or a worker dies holding it, the row stays enqueued and is
claimed again once REMINDER_REENQUEUE_AFTER_SECONDS has passed (doubling per attempt): a delay,
never a lost reminder. Workers deliver idempotently, so a second message costs nothing.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from itertools import islice

from django.db import transaction
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from notifications import conf
from notifications.tasks import deliver_reminders_of_programs
from organizations.jobs import send_for_programs
from organizations.models import LIVE_STATUSES, Program
from workflow.outbox.models import Reminder, ReminderState

logger = logging.getLogger(__name__)


def _chunks(items, size):
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def claim_due(*, now=None, limit=None):
    """Claim one batch: {program schema: [reminder ids]} (committed as enqueued)."""
    now = now or timezone.now()
    limit = limit or conf.get("REMINDER_CLAIM_BATCH")
    # The wait before sending again doubles with each attempt (up to 8x): a long queue or an
    # outage does not pile up copies of the same message.
    after = conf.get("REMINDER_REENQUEUE_AFTER_SECONDS")
    stale = RawSQL(
        "enqueued_at + make_interval(secs => %s * power(2, least(attempts - 1, 3))) <= %s",
        (after, now),
        output_field=BooleanField(),
    )
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .alias(stale=stale)
            .filter(
                Q(state=ReminderState.PENDING, due_at__lte=now)
                # The first condition is what the index on enqueued rows can answer: during a
                # burst every tick would otherwise read each waiting row to compute its wait.
                | Q(
                    state=ReminderState.ENQUEUED,
                    enqueued_at__lte=now - timedelta(seconds=after),
                    stale=True,
                )
            )
            # Only programs whose jobs run: a program being set up, retired or being retired
            # would send its reminders straight to the dead letters. They wait instead (a
            # retirement that fails leaves the program suspended, and they go out then).
            .filter(program__status__in=LIVE_STATUSES)
            .order_by("due_at")
            .values_list("pk", "program_id", "attempts")[:limit]
        )
        if not rows:
            return {}
        give_up = [pk for pk, _p, attempts in rows if attempts >= conf.get("REMINDER_MAX_ATTEMPTS")]
        if give_up:
            logger.error("Giving up on %s reminder(s) after repeated attempts.", len(give_up))
            Reminder.objects.filter(pk__in=give_up).update(state=ReminderState.FAILED)
        claimed = [(pk, program_id) for pk, program_id, _a in rows if pk not in set(give_up)]
        Reminder.objects.filter(pk__in=[pk for pk, _p in claimed]).update(
            state=ReminderState.ENQUEUED, enqueued_at=now, attempts=F("attempts") + 1
        )
        schemas = dict(
            Program.objects.filter(pk__in={p for _pk, p in claimed}).values_list(
                "pk", "schema_name"
            )
        )
    by_schema = defaultdict(list)
    for pk, program_id in claimed:
        by_schema[schemas[program_id]].append(pk)
    return by_schema


def pack(by_schema, *, size):
    """Group {schema: ids} into messages of at most `size` reminders, several programs to a
    message; a program with more than `size` is split over messages."""
    message, count = {}, 0
    for schema, ids in by_schema.items():
        for chunk in _chunks(ids, size):
            if message and count + len(chunk) > size:
                yield message
                message, count = {}, 0
            message[schema] = chunk
            count += len(chunk)
    if message:
        yield message


def enqueue(by_schema):
    """Send the claimed ids, at most REMINDER_MESSAGE_SIZE per message."""
    sent = 0
    for work in pack(by_schema, size=conf.get("REMINDER_MESSAGE_SIZE")):
        send_for_programs(deliver_reminders_of_programs, work)
        sent += sum(map(len, work.values()))
    return sent


def dispatch_due_reminders(*, now=None):
    """The scheduler tick. Returns how many reminders were handed to workers."""
    total = 0
    for _ in range(conf.get("REMINDER_MAX_CLAIMS_PER_TICK")):
        by_schema = claim_due(now=now)
        if not by_schema:
            break
        # After commit. A broker error here leaves the rows enqueued: they are sent again later.
        total += enqueue(by_schema)
        if sum(map(len, by_schema.values())) < conf.get("REMINDER_CLAIM_BATCH"):
            break
    return total
