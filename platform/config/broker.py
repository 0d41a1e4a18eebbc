"""The Dramatiq broker, configured on purpose (see DESIGN.md, "Traps").

- Retries with exponential backoff for delivery errors; after the last retry a message goes to
  the dead-letter queue (Redis: ``<queue>.XQ``), kept for a week, visible to operators.
- Time limits so a stuck job cannot hold a worker thread forever.
- Every message carries the schema of the program it belongs to (ProgramSchemaMiddleware).
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
    ]
    return RedisBroker(
        url=url or settings.REDIS_URL,
        namespace=namespace or settings.DRAMATIQ_NAMESPACE,
        middleware=middleware,
        dead_message_ttl=DEAD_MESSAGE_TTL_MS,
    )


broker = build_broker()
dramatiq.set_broker(broker)
