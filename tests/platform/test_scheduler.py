"""Only one scheduler is active at a time: a PostgreSQL advisory lock, held by the leader's
session, elects it. Each scheduler here runs on its own thread with its own connection."""

import queue
import threading
import time

from django.db import connection

from notifications.scheduler import try_become_leader


def _close():
    connection.close()  # on the calling thread's own connection: releases its session locks


class Scheduler(threading.Thread):
    """Runs commands on its own thread (so its own database connection), one at a time."""

    def __init__(self):
        super().__init__(daemon=True)
        self.commands = queue.Queue()
        self.results = queue.Queue()
        self.start()

    def run(self):
        while True:
            command = self.commands.get()
            try:
                self.results.put(command())
            except Exception as exc:  # noqa: BLE001 - handed back to the test
                self.results.put(exc)
            if command is _close:
                return

    def do(self, command):
        self.commands.put(command)
        result = self.results.get(timeout=10)
        if isinstance(result, Exception):
            raise result
        return result

    def backend_pid(self):
        def pid():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                return cursor.fetchone()[0]

        return self.do(pid)

    def stop(self):
        self.do(_close)
        self.join(timeout=10)


def test_only_one_of_two_schedulers_becomes_active(db):
    first, second = Scheduler(), Scheduler()
    try:
        assert first.backend_pid() != second.backend_pid()
        assert first.do(try_become_leader) is True
        assert second.do(try_become_leader) is False
        assert second.do(try_become_leader) is False  # still standby on the next tick
        assert first.do(try_become_leader) is True  # the leader keeps it (re-entrant)

        # The leader dies (its connection closes): the standby takes over on one of its next
        # ticks. The server frees the lock once it has ended the leader's session, a moment
        # after the connection closes (longer on a busy machine), so the standby asks again.
        first.stop()
        deadline = time.monotonic() + 10
        while not second.do(try_become_leader):
            assert time.monotonic() < deadline, "the standby did not take over within 10 s"
            time.sleep(0.1)
        third = Scheduler()
        try:
            assert third.do(try_become_leader) is False
        finally:
            third.stop()
    finally:
        for scheduler in (first, second):
            if scheduler.is_alive():
                scheduler.stop()
