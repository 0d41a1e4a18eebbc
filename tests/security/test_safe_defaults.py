"""Safe by default (issue 13): debug pages only under `make run`, no password of a settings URL
in any error report, and the 404 a removed member meets lists no URL patterns."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory
from django.views.debug import ExceptionReporter

import config.settings as base
from accounts.models import Membership

ROOT = Path(__file__).resolve().parents[2]
OWNER_URL = "postgresql://harmrepair_owner:Owner-Pa55-77@db.internal:5432/harmrepair"
APP_URL = "postgres://harmrepair_app:App-Pa55-88@db.internal/harmrepair"
REDIS = "redis://:Redis-Pa55-99@cache.internal:6379/0"


def test_debug_is_off_unless_make_run_turns_it_on():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.DEBUG)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"

    from organizations.management.commands.runall import child_environment

    assert child_environment()["DJANGO_DEBUG"] == "true"


def test_test_settings_do_not_rely_on_debug():
    import config.settings_test as test_settings

    if "DJANGO_DEBUG" not in os.environ:
        assert base.DEBUG is False and test_settings.DEBUG is False
    # Links in emails keep their port without DEBUG (it used to follow DEBUG).
    assert str(test_settings.PORT) == test_settings.PUBLIC_PORT


def test_error_reports_hide_passwords_in_setting_urls(settings):
    settings.DATABASE_OWNER_URL = OWNER_URL
    settings.DATABASE_URL = APP_URL
    settings.REDIS_URL = REDIS
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": REDIS}}
    settings.DEBUG = True
    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())
        page = report.get_traceback_html()
        text = report.get_traceback_text()
    for output in (page, text):
        assert "DATABASE_OWNER_URL" in output  # the setting is listed, its password is not
        for secret in ("Owner-Pa55-77", "App-Pa55-88", "Redis-Pa55-99"):
            assert secret not in output
    assert "harmrepair_owner:********************@db.internal" in page


def test_a_removed_member_meets_a_plain_404(db, world, program_a, client_for, settings):
    """With the settings' own DEBUG (not the test runner's), no URL pattern is listed."""
    settings.DEBUG = base.DEBUG
    user = world.users["a_staff2"]
    client = client_for(program_a, user)
    Membership.objects.filter(user=user, program=program_a).delete()
    for path in ("/", "/cases/", "/no-such-page/", "/api/cases/"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.content.decode()
        assert "URLconf" not in body and "urlpatterns" not in body and "cases/<" not in body
