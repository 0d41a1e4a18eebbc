"""The Dramatiq broker, configured on purpose (see DESIGN.md, "Traps").

- Retries with exponential backoff for delivery errors; after the last retry a message goes to
  the dead-letter queue (Redis: ``<queue>.XQ``), kept for a week, visible to operators.
- Time limits so a stuck job cannot hold a worker thread forever.
- Every message carries the schema of the program it belongs to (ProgramSchemaMiddleware).
- Idle workers look for new messages more often than Dramatiq's default (IdlePoll): reminders
  falling due together should not wait up to a second for each worker process to wake.
"""

import dramatiq
from django.conf import settings
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from organizations.jobs import CloseDatabaseConnections, ProgramSchemaMiddleware

DEAD_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000


class IdlePoll(dramatiq.Middleware):
    """Sets how long a worker with nothing to do sleeps, at most, between looks at its queues.
    Dramatiq backs off up to its worker timeout (a second, fixed when it starts the worker);
    Redis answers an empty look in well under a millisecond."""

    def __init__(self, milliseconds):
        self.milliseconds = milliseconds

    def before_worker_boot(self, broker, worker):
        # Before the worker makes its consumer and worker threads, which copy the value.
        worker.worker_timeout = self.milliseconds


def build_broker(url=None, namespace=None):
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=5 * 60 * 1000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=8, min_backoff=2_000, max_backoff=10 * 60 * 1000),
        CurrentMessage(),
        CloseDatabaseConnections(),
        ProgramSchemaMiddleware(),
        IdlePoll(settings.DRAMATIQ_IDLE_POLL_MS),
    ]
    return RedisBroker(
        url=url or settings.REDIS_URL,
        namespace=namespace or settings.DRAMATIQ_NAMESPACE,
        middleware=middleware,
        dead_message_ttl=DEAD_MESSAGE_TTL_MS,
    )


broker = build_broker()
dramatiq.set_broker(broker)
