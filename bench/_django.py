"""Set Django up for a benchmark, on a database of its own (never the development data); and
what several benches do once it is: medians, percentiles, waiting for reminders to arrive."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def add_paths():
    if str(ROOT) not in sys.path:
        sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]


def setup(database_name="harmrepair_bench"):
    add_paths()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DRAMATIQ_NAMESPACE", "harmrepair-bench")
    from config import services

    app_url, owner_url = services.ensure_database_urls()
    os.environ["DATABASE_URL"] = services.with_database(app_url, database_name)
    os.environ["DATABASE_OWNER_URL"] = services.with_database(owner_url, database_name)
    services.create_database_if_missing(os.environ["DATABASE_OWNER_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_all", verbosity=0, interactive=False)


def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def wait_until_delivered(reminders, *, until, poll, tick=None):
    """Wait until none of `reminders` (a queryset) is still to be delivered, looking every
    `poll` seconds (a cheap query, not to slow what is measured); `tick`, if given, is called
    at once and then every TICK_SECONDS, as the scheduler ticks the dispatcher. True when
    none is left, False once `until` (a datetime) has passed with some still waiting."""
    from django.utils import timezone

    from notifications.scheduler import TICK_SECONDS
    from workflow.outbox.models import OPEN_STATES

    waiting = reminders.filter(state__in=OPEN_STATES)
    next_tick = time.monotonic()
    while True:
        if tick is not None and time.monotonic() >= next_tick:
            tick()
            next_tick += TICK_SECONDS
        if not waiting.exists():
            return True
        time.sleep(poll)
        if timezone.now() > until:
            return False
