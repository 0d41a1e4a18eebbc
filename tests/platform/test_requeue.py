"""Jobs lost to a killed worker or a restarted broker are sent again by the scheduler: a program
still being set up, or still being retired, long after it started."""

from datetime import timedelta

from django.utils import timezone

from config.broker import broker
from notifications.scheduler import requeue_stalled_provisioning, requeue_stalled_retirements
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


def test_stalled_set_ups_and_retirements_are_sent_again(db, world):
    broker.flush(QUEUE)
    long_ago = timezone.now() - timedelta(hours=2)
    try:
        stuck = _program(world, "stuck-setup")
        Program.objects.filter(pk=stuck.pk).update(created_at=long_ago)
        _program(world, "fresh-setup")  # just added: its job is probably still queued
        _program(world, "stuck-retiring", status=ProgramStatus.RETIRING, retiring_since=long_ago)
        _program(
            world, "fresh-retiring", status=ProgramStatus.RETIRING, retiring_since=timezone.now()
        )
        assert requeue_stalled_provisioning() == 1
        assert requeue_stalled_retirements() == 1
        assert broker.do_qsize(QUEUE) == 2
    finally:
        broker.flush(QUEUE)
