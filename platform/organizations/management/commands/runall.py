"""`make run`: find or start PostgreSQL and Redis, migrate, load demo data into an empty
database, then run the web server, one Dramatiq worker and the scheduler in the foreground.
Ctrl-C stops them all."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config import services
from organizations.demo import DEMO_PASSWORD, DEMO_PROGRAM_SLUG, DEMO_USERS

ROOT = Path(settings.BASE_DIR)


def child_environment():
    """The environment of the web server, worker and scheduler that `make run` starts."""
    return {
        **os.environ,
        # Development only: debug pages, and static files from runserver. Everything else
        # (manage.py on its own, the tests, production) runs with DEBUG off by default.
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "true"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        services.create_database_if_missing(settings.DATABASE_OWNER_URL)
        call_command("migrate_all", verbosity=0, interactive=False)
        call_command("seed_demo")
        port = str(settings.PORT)
        python = sys.executable
        env = child_environment()
        commands = {
            "web": [python, "manage.py", "runserver", f"0.0.0.0:{port}"],
            "worker": [
                python,
                "-m",
                "dramatiq",
                "--processes",
                "1",
                "--threads",
                "4",
                "config.worker",
            ],
            "scheduler": [python, "manage.py", "run_scheduler"],
        }
        children = {
            name: subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603  (fixed argv)
            for name, cmd in commands.items()
        }
        self._print_banner(port)
        stopping = []

        def request_stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with {child.returncode}; stopping.")
                        stopping.append(name)
                        break
                time.sleep(0.5)
        finally:
            self._stop(children)

    def _stop(self, children):
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped web, worker and scheduler.")

    def _print_banner(self, port):
        base = settings.BASE_DOMAIN
        lines = [
            "",
            "Harm Repair is running. Ctrl-C stops everything.",
            f"  Platform site:      http://{base}:{port}/",
            f"  Demo program site:  http://{DEMO_PROGRAM_SLUG}.{base}:{port}/",
            f"  Operator admin:     http://{base}:{port}/admin/",
            f"  Outgoing mail:      files in {settings.EMAIL_FILE_PATH}",
            f"  Database:           {settings.DATABASE_URL}",
            f"  Redis:              {settings.REDIS_URL}",
            f"  Demo sign-ins (password {DEMO_PASSWORD}):",
            *[f"    {email:<28} {role.label}" for email, role, _kind, _name in DEMO_USERS],
            "",
        ]
        self.stdout.write("\n".join(lines))
