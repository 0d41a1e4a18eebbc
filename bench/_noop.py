"""A no-op actor for the raw Dramatiq figure in reminders.py (imported by its worker)."""

import dramatiq

import config.broker  # noqa: F401  (the broker must exist before actors are declared)

QUEUE = "bench-noop"


@dramatiq.actor(queue_name=QUEUE, max_retries=0)
def noop(index):
    return None
