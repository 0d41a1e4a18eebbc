"""The production stack as deployed (infra/Dockerfile): `collectstatic`, gunicorn with
config.production, a Dramatiq worker and the scheduler, on the test PostgreSQL, a Redis of its
own and the S3 server. A staff member signs in through an HTTPS load balancer (as far as the
site can tell) and gets pages with their CSS and JavaScript, served by WhiteNoise under hashed
names with a year's cache, compressed; a reminder falling due is delivered by email."""

import re
import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.conftest import PASSWORD
from tests.notifications.harness import (
    RedisServer,
    child_env,
    emails_sent,
    start_scheduler,
    start_worker,
    wait_for,
)
from tests.production.stack import Browser, collectstatic, production_env, start_gunicorn

pytestmark = pytest.mark.slow

YEAR = 315360000  # WhiteNoise's max-age for files whose names carry their hash


@pytest.fixture
def stack(stack_world, s3, tmp_path, django_db_blocker):
    redis = RedisServer().start()
    mail = tmp_path / "mail"
    mail.mkdir()
    env = production_env(
        child_env(
            database_url=stack_world.database_url,
            owner_url=stack_world.owner_url,
            redis_url=redis.url,
            namespace=f"stack-{uuid.uuid4().hex[:8]}",
            mail_dir=mail,
        ),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        OBJECT_STORAGE_URL=s3.bucket(),
    )
    collectstatic(env, tmp_path / "static")
    started = []
    try:
        started.append(start_gunicorn(env, tmp_path / "web.log", workers=2))
        started.append(start_worker(env, tmp_path / "worker.log"))
        started.append(start_scheduler(env, tmp_path / "scheduler.log"))
        with django_db_blocker.unblock():
            yield started[0], mail
    finally:
        for process in started:
            process.stop()
        redis.kill()


def _assets(page):
    return re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)


def test_pages_render_with_their_css_and_js(stack, stack_world):
    web, _mail = stack
    browser = Browser(web.port, stack_world.program.domains.first().domain)
    browser.sign_in(stack_world.staff.email, PASSWORD)
    today = browser.get("/")
    assert today.status == 200, today.body[:2000]
    assert b"Today" in today.body
    assets = _assets(today.body)
    assert any(a.startswith(b"/static/css/site.") for a in assets), assets
    assert any(a.endswith(b".js") for a in assets), assets
    for asset in assets:
        # Hashed names: a changed file gets a new address, so browsers may keep it a year.
        assert re.search(rb"\.[0-9a-f]{12}\.(css|js)$", asset), asset
        answer = browser.get(asset.decode(), headers={"Accept-Encoding": "gzip"})
        assert answer.status == 200, asset
        assert f"max-age={YEAR}" in answer.headers["Cache-Control"], answer.headers
        assert answer.headers["Content-Encoding"] == "gzip" or len(answer.body) < 200
        kind = "text/css" if asset.endswith(b".css") else "text/javascript"
        assert answer.headers["Content-Type"].startswith(kind)
    # A file that does not exist is a plain 404, not an error page or someone else's file.
    assert browser.get("/static/css/missing.css").status == 404


def test_a_due_reminder_is_delivered(stack, stack_world):
    from notifications.models import Reminder
    from workflow.models import Case

    _web, mail = stack
    case_id = stack_world.reported_case_id
    with tenant_context(stack_world.program):
        due = Case.objects.get(pk=case_id).acknowledgement_due_at  # passed already
    stamp = int(due.timestamp())
    # The key delivery expects for this case's acknowledgement (workflow.reminders.Planned.key).
    key = f"p{stack_world.program.pk}:acknowledgement_overdue:{case_id}:{stamp}:{stamp}"
    reminder = Reminder.objects.create(
        program=stack_world.program,
        case_id=case_id,
        kind="acknowledgement_overdue",
        ref_id=case_id,
        target_at=due,
        due_at=due,
        idempotency_key=key,
    )
    connection.set_schema_to_public()
    wait_for(
        lambda: Reminder.objects.get(pk=reminder.pk).state == "delivered",
        timeout=90,
        interval=0.2,
        message="the reminder to be delivered",
    )
    sent = emails_sent(mail)
    assert sent == {f"{key}|u{stack_world.staff.pk}|email": 1}
