"""Settings of the reminder pipeline, each overridable in Django settings or the environment
(`REMINDER_REENQUEUE_AFTER_SECONDS=5` makes recovery quick in the fault tests)."""

import os

from django.conf import settings

DEFAULTS = {
    # A row enqueued this long ago and not delivered is sent again (lost message, killed
    # worker, broker restart). Longer than a normal queue wait; shorter than an outage hurts.
    "REMINDER_REENQUEUE_AFTER_SECONDS": 120,
    # Rows claimed per transaction, and reminders carried by one message. A message carries
    # several programs' reminders (each delivered in its own schema and transaction): most
    # programs have a few due at a time, and a message per program would cost more in broker
    # round trips and public-schema reads than in delivering.
    "REMINDER_CLAIM_BATCH": 500,
    "REMINDER_MESSAGE_SIZE": 100,
    # Claims per scheduler tick, so other ticks are not starved during a burst.
    "REMINDER_MAX_CLAIMS_PER_TICK": 40,
    # After this many sends without delivery a reminder is marked failed (visible in the admin).
    "REMINDER_MAX_ATTEMPTS": 20,
    # Daily digests go out from this hour (local time, settings.TIME_ZONE).
    "REMINDER_DIGEST_HOUR": 7,
}


def get(name):
    if name in os.environ:
        return int(os.environ[name])
    return getattr(settings, name, DEFAULTS[name])
