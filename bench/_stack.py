"""Pieces the load and cluster benches share: the production environment of a web, worker or
scheduler process, a staff member who can sign in with a password, and the CPU time a set of
processes used (read from /proc)."""

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "bench-load-password-7Qx"  # noqa: S105  (a bench account on a bench database)


def cpu_seconds(pid):
    """User + system CPU seconds of one process so far, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (man 5 proc).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_pids(pid):
    """A process and all its descendants (gunicorn's master and its workers)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        return [pid, *(child.pid for child in parent.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


class CpuMeter:
    """CPU seconds used by a changing set of processes between start() and stop(): a process
    seen only at the end counts from zero (it started in between)."""

    def __init__(self, pids_now):
        self.pids_now = pids_now
        self.before = {}

    def start(self):
        self.before = {pid: cpu_seconds(pid) for pid in self.pids_now()}

    def stop(self):
        now = {pid: cpu_seconds(pid) for pid in self.pids_now()}
        return sum(max(0.0, used - self.before.get(pid, 0.0)) for pid, used in now.items())


def process_env(*, database_url, owner_url, redis_url, namespace, mail_dir, **extra):
    """config.production as deployed (tests/production/stack.py), on the given services."""
    # why: the test helpers know the environment a production process needs; bench only.
    from tests.notifications.harness import child_env
    from tests.production.stack import production_env

    return production_env(
        child_env(
            database_url=database_url,
            owner_url=owner_url,
            redis_url=redis_url,
            namespace=namespace,
            mail_dir=mail_dir,
        ),
        **extra,
    )


def staff_with_password(email):
    """The user, with PASSWORD hashed as production hashes (Argon2)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from accounts.models import User

    user = User.objects.get(email=email)
    argon2 = Argon2PasswordHasher()
    user.password = argon2.encode(PASSWORD, argon2.salt())
    user.save(update_fields=["password"])
    return user


def sign_in(address, port, host, email, password=PASSWORD):
    """Signs in through the login form as a browser behind an HTTPS load balancer would, and
    returns the Cookie header of the session."""
    # why: the production-stack test's browser signs in as a person does; bench only.
    from tests.production.stack import Browser

    browser = Browser(port, host, address=address)
    browser.sign_in(email, password)
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def get(address, port, host, path, headers, timeout=60):
    """(status, body) of one GET, as a browser behind HTTPS would send it."""
    import http.client

    connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.request(
            "GET", path, headers={"Host": host, "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
