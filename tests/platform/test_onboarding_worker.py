"""Onboarding end to end with a real Dramatiq worker provisioning the program: committed data
(the worker has its own database connection), cleaned up explicitly afterwards."""

from django.test import Client
from django_tenants.utils import schema_exists

from config.broker import broker
from organizations.models import Program, ProgramStatus
from tests.platform.conftest import drop_program, running_worker

QUEUE = "provisioning"


def test_program_added_on_the_page_is_provisioned_by_a_worker(committed, world, client_for):
    broker.flush(QUEUE)
    platform = client_for(None, world.users["hd1"])
    program_id = None
    try:
        response = platform.post(
            "/programs/add/",
            {
                "health_department": world.departments["d1"].pk,
                "name": "Worker Made",
                "program_type": "mobile_outreach",
                "slug": "worker-made",
            },
        )
        assert response.status_code == 302
        program = Program.objects.get(slug="worker-made")
        program_id = program.pk
        assert program.status == ProgramStatus.PROVISIONING
        assert "Setting up" in platform.get(f"/programs/{program_id}/").text
        # The job was sent when the program's row was committed.
        assert broker.do_qsize(QUEUE) == 1

        with running_worker(QUEUE):
            broker.join(QUEUE, timeout=60_000)

        program.refresh_from_db()
        assert program.status == ProgramStatus.READY, program.failure_reason
        assert program.provisioning_attempts == 1
        assert schema_exists("worker_made")
        detail = platform.get(f"/programs/{program_id}/")
        assert "Ready." in detail.text
        assert "http://worker-made.localhost:8000/" in detail.text
        site = Client(HTTP_HOST="worker-made.localhost")
        response = site.get("/cases/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        assert "Staff sign-in" in site.get("/").text  # the program's front door (issue 15)
    finally:
        platform.logout()
        if program_id is not None:
            drop_program(program_id)
        broker.flush(QUEUE)
    assert not schema_exists("worker_made")
    assert not Program.objects.filter(slug="worker-made").exists()
