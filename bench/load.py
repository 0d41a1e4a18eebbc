"""Load: requests per second and p50/p99 latency of Today, a case page and the case list API
for a program with 10,000 cases (the pages bench's program), through gunicorn with
config.production (4 workers, as infra/Dockerfile runs it), at several concurrency levels;
with the CPU each part used: gunicorn (master and workers), the PostgreSQL backends of the
bench database, and the load generator (wrk, from Debian).

A plain staff member signs in through the login form (session cookie) for the pages; the API
uses their personal API token. Every URL is checked for a 200 first (wrk counts redirects as
successes)."""

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from _stack import CpuMeter, get, process_env, sign_in, staff_with_password, tree_pids

PORT = int(os.environ.get("BENCH_LOAD_PORT", "8140"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_LOAD_CONCURRENCY", "1,4,16").split(",")]
STAFF = "2-bench-pages-staff@example.test"  # bench/pages.py's plain staff member


def _postgres_pids(database):
    from django.db import connections

    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])
        return [pid for (pid,) in cursor.fetchall()]


def _wrk(url, headers, connections):
    """(requests/s, p50 ms, p99 ms, failed) from one wrk run, and the CPU seconds it used."""
    argv = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    argv += ["--timeout", "30s"]  # gunicorn's own limit: slower is failed, not a 2 s cut
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(  # noqa: S603
        [*argv, url], capture_output=True, text=True, check=True, timeout=SECONDS + 60
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    def latency(pct):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: (.*)", out)
    if errors:
        failed += sum(int(n) for n in re.findall(r"\d+", errors.group(1)))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return (rps, latency(50), latency(99), failed), cpu


def run():
    import pages  # bench/pages.py: builds (once) and finds the 10,000-case program
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    from organizations.services import program_host
    from tenants.api_tokens import create_member_token

    if not shutil.which("wrk"):
        raise SystemExit("load: needs wrk (apt-get install -y wrk)")
    _user, prepared = pages.prepare()
    program, case_id = prepared["bench-pages-big"]
    host = program_host(program.slug)
    staff = staff_with_password(STAFF)
    with tenant_context(program):
        _token, api_token = create_member_token(
            actor=staff, name="load bench", days=30, verified=False
        )
    connection.set_schema_to_public()
    database = settings.DATABASES["default"]["NAME"]

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = process_env(
        database_url=os.environ["DATABASE_URL"],
        owner_url=os.environ["DATABASE_OWNER_URL"],
        redis_url=settings.REDIS_URL,
        namespace=f"bench-load-{uuid.uuid4().hex[:8]}",
        mail_dir=folder / "mail",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        DB_CONN_MAX_AGE="600",  # as deployed (production.py keeps connections)
        LOG_LEVEL="ERROR",
    )
    # why: the production-stack test's collectstatic and gunicorn, as the image runs them;
    # bench only.
    from tests.production.stack import collectstatic, start_gunicorn

    collectstatic(env, folder / "static")
    # No access log: a line per request would be measured too (the image writes none).
    web = start_gunicorn(env, folder / "web.log", workers=WORKERS, port=PORT, access_log=False)
    try:
        cookie = sign_in("127.0.0.1", PORT, host, STAFF)
        page = {"Host": host, "X-Forwarded-Proto": "https", "Cookie": cookie}
        api = {"Host": host, "X-Forwarded-Proto": "https", "Authorization": f"Bearer {api_token}"}
        targets = [
            ("Today", "/", page, b"Today"),
            ("case page", f"/cases/{case_id}/", page, b"Bench"),
            ("case list API", "/api/cases/", api, b"count"),
        ]
        for _name, path, headers, expect in targets:
            status, body = get("127.0.0.1", PORT, host, path, headers)
            assert status == 200 and expect in body, (path, status)
        gunicorn_cpu = CpuMeter(lambda: tree_pids(web.popen.pid))
        postgres_cpu = CpuMeter(lambda: _postgres_pids(database))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"Load through gunicorn (config.production, {WORKERS} workers) at 10,000 cases, "
            f"{SECONDS} s per cell; {os.cpu_count()} cores; load average before {load}"
        )
        print(
            f"  {'page':<14}{'conc':>5}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'failed':>7}"
            f"   CPU cores used: {'gunicorn':>8}{'postgres':>9}{'wrk':>6}"
            f"   CPU ms/request: {'gunicorn':>8}{'postgres':>9}"
        )
        figures = {}
        for name, path, headers, _expect in targets:
            # Warm every worker (connections, caches) before measuring.
            _wrk(f"http://127.0.0.1:{PORT}{path}", headers, WORKERS)
            for connections in CONCURRENCY:
                gunicorn_cpu.start()
                postgres_cpu.start()
                started = time.monotonic()
                (rps, p50, p99, failed), wrk_cpu = _wrk(
                    f"http://127.0.0.1:{PORT}{path}", headers, connections
                )
                wall = time.monotonic() - started
                web_used, db_used = gunicorn_cpu.stop() / wall, postgres_cpu.stop() / wall
                figures[(name, connections)] = (rps, p50, p99)
                if not rps:
                    print(f"  {name:<14}{connections:>5}  no answer within {SECONDS} s")
                    continue
                print(
                    f"  {name:<14}{connections:>5}{rps:>8.1f}{p50:>8.1f}{p99:>8.1f}{failed:>7}"
                    f"   {'':>15}{web_used:>8.2f}{db_used:>9.2f}{wrk_cpu / wall:>6.2f}"
                    f"   {'':>15}{web_used / rps * 1000:>8.0f}{db_used / rps * 1000:>9.0f}"
                )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"  load average after: {load}")
        return figures
    finally:
        web.stop()
        shutil.rmtree(folder, ignore_errors=True)
