"""Dramatiq actors of the reminder pipeline.

Settings chosen on purpose: a delivery error (SMTP down, database restarting) is retried soon
with exponential backoff; after the last retry the message goes to the dead-letter queue, which
operators see in the admin, and the dispatcher sends the reminder again later anyway (the
database, not the broker, is the source of truth). A time limit frees a stuck worker thread.
"""

import logging

import config.broker  # noqa: F401  (the broker must exist before actors are declared)
from organizations.jobs import program_actor

logger = logging.getLogger(__name__)

QUEUE = "reminders"


@program_actor(
    queue_name=QUEUE,
    max_retries=10,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=60_000,
)
def deliver_reminders(reminder_ids):
    """Runs in the program's schema (ProgramSchemaMiddleware)."""
    from notifications.services.delivery import deliver_reminders as deliver

    counts = deliver(reminder_ids)
    logger.debug("Reminders: %s", counts)
