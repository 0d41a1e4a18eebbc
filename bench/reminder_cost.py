"""What one program's part of a reminder message costs (PER_PROGRAM reminders, every one
emailed), measured in one thread, without the noise of a shared machine: the instructions the
worker's Python executes (callgrind, repeatable to 0.1 %), and its CPU time and its database
backend's, on a fresh connection, so each program's schema is new to it, as to a worker.

Uses the reminder bench's database and programs (`bench/run.py reminders` builds them).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS, PARTS_UNDER_CALLGRIND = 300, 40


def run():
    import reminders

    with tempfile.TemporaryDirectory() as mail:
        env = reminders.child_env(redis_url="redis://127.0.0.1:1/0", mail=mail)  # never sent
        print("Reminder cost per program part (one thread)")
        subprocess.run([sys.executable, __file__, str(PARTS)], env=env, cwd=ROOT, check=True)  # noqa: S603
        if shutil.which("valgrind"):
            out = Path(mail) / "callgrind.out"
            subprocess.run(  # noqa: S603
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    str(PARTS_UNDER_CALLGRIND),
                    "--callgrind",
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            totals = next(
                line for line in out.read_text().splitlines() if line.startswith("totals:")
            )
            per_part = int(totals.split()[1]) / PARTS_UNDER_CALLGRIND
            print(f"  Python instructions              : {per_part / 1e6:8.1f} M per part")


def _backend_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(parts, callgrind):
    import reminders

    reminders.setup_database()
    from django.db import connection, connections
    from django.utils import timezone

    from notifications.services.dispatch import pack
    from notifications.tasks import deliver_reminders_of_programs
    from workflow.outbox.models import Reminder

    programs, owner = reminders.bench_programs()
    programs = programs[: parts + 1]  # the first part warms up (imports, templates)
    due = timezone.now()
    reminders.fresh_reminders(programs, owner, due)
    rows = Reminder.objects.filter(program__in=programs)
    rows.update(state="enqueued", enqueued_at=due, attempts=1)
    by_schema = {}
    for pk, schema in rows.order_by("program__schema_name", "pk").values_list(
        "pk", "program__schema_name"
    ):
        by_schema.setdefault(schema, []).append(pk)
    warm_up = dict([by_schema.popitem()])
    messages = list(pack(by_schema, size=100))
    connections.close_all()
    deliver_reminders_of_programs.fn(warm_up)
    connections.close_all()  # a fresh connection: every schema is new to it
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    if callgrind:
        subprocess.run(
            ["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True
        )  # noqa: S603, S607
    backend, python = _backend_cpu(pid), time.process_time()
    for work in messages:
        deliver_reminders_of_programs.fn(work)
    python, backend = time.process_time() - python, _backend_cpu(pid) - backend
    if callgrind:
        subprocess.run(
            ["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True
        )  # noqa: S603, S607
        return
    assert rows.filter(state="delivered").count() == len(programs) * reminders.PER_PROGRAM
    print(f"  Python CPU                       : {1000 * python / parts:8.1f} ms per part")
    print(f"  PostgreSQL backend CPU           : {1000 * backend / parts:8.1f} ms per part")


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT), str(ROOT / "bench")]
    main(int(sys.argv[1]), "--callgrind" in sys.argv)
