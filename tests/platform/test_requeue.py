"""Jobs lost to a killed worker or a restarted broker are sent again by the scheduler: a program
still being set up, or still being retired, long after its job was sent; and only once per
period, not on every tick."""

from datetime import timedelta

from django.utils import timezone

from config.broker import broker
from notifications.scheduler import requeue_stalled_jobs
from organizations.models import Program, ProgramStatus

QUEUE = "provisioning"


def _program(world, slug, **fields):
    return Program.objects.create(
        name=slug,
        slug=slug,
        program_type="drop_in",
        health_department=world.departments["d1"],
        **fields,
    )


def test_stalled_set_ups_and_retirements_are_sent_again_once(db, world):
    broker.flush(QUEUE)
    now = timezone.now()
    try:
        _program(world, "stuck-setup", job_sent_at=now - timedelta(minutes=5))
        _program(world, "fresh-setup", job_sent_at=now)  # its job is probably still queued
        _program(
            world,
            "stuck-retiring",
            status=ProgramStatus.RETIRING,
            retiring_since=now - timedelta(hours=2),
            job_sent_at=now - timedelta(hours=2),
        )
        # Still within the hour a retirement may take: not sent again.
        _program(
            world,
            "long-retiring",
            status=ProgramStatus.RETIRING,
            retiring_since=now - timedelta(minutes=40),
            job_sent_at=now - timedelta(minutes=40),
        )
        assert requeue_stalled_jobs() == 2
        assert broker.do_qsize(QUEUE) == 2
        # The next tick, seconds later, sends nothing more.
        assert requeue_stalled_jobs() == 0
        assert broker.do_qsize(QUEUE) == 2
    finally:
        broker.flush(QUEUE)
