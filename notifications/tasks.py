"""Dramatiq actors of the reminder pipeline.

Settings chosen on purpose: a delivery error (SMTP down, database restarting) is retried soon
with exponential backoff; after the last retry the message goes to the dead-letter queue, which
operators see in the admin, and the dispatcher sends the reminder again later anyway (the
database, not the broker, is the source of truth). A time limit frees a stuck worker thread.
"""

import logging

import dramatiq
from django.core.mail import get_connection

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from notifications.services.delivery import deliver_reminders as deliver
from notifications.services.recipients import find_people
from organizations.jobs import resolve_programs, run_in_each_program

logger = logging.getLogger(__name__)

QUEUE = "reminders"
OPTIONS = {
    "queue_name": QUEUE,
    "max_retries": 10,
    "min_backoff": 1_000,
    "max_backoff": 60_000,
    "time_limit": 60_000,
}


class PartsFailed(Exception):
    """Some programs' parts of a message failed (each logged); the message is retried."""

    def __init__(self, schema_names):
        super().__init__(f"reminders of {', '.join(schema_names)} not delivered")
        self.schema_names = schema_names


@dramatiq.actor(**OPTIONS)
def deliver_reminders_of_programs(work):
    """{schema name: [reminder ids]}: what the dispatcher sends. Most programs have a few
    reminders due at a time, so one message carries several programs; each part is delivered
    inside its own program's schema and transaction. The public rows every part needs (the
    programs, their staff and preferences) are read once, first, on the public schema."""
    programs = resolve_programs(work)
    people = find_people(program.pk for program in programs.values())
    # One email connection for the whole message: opened by the first part that sends email
    # (a message with nothing to email does not need the mail server), closed at the end.
    mail = get_connection()

    failed = []

    def deliver_part(program, reminder_ids):
        # One program's bad part (a failing email, say) must not hold back the others: its
        # transaction is rolled back, the others go on, and the message is retried at the end,
        # where the parts already delivered find nothing left to do.
        try:
            counts = deliver(reminder_ids, program=program, people=people[program.pk], mail=mail)
        except Exception:
            logger.exception("Reminders of %s failed; the message will be retried", program)
            failed.append(program.schema_name)
            return
        logger.debug("Reminders of %s: %s", program.schema_name, counts)

    try:
        run_in_each_program(work, deliver_part, programs=programs)
    finally:
        mail.close()
    if failed:
        raise PartsFailed(failed)
