"""Hosts for the cluster bench: one network namespace per host, each with a veth pair into a
bridge, on 10.77.0.0/24. The bridge lives in this (root) namespace with 10.77.0.1, so the bench
talks to the hosts as an operator's machine would; nothing routes the subnet anywhere else.

A host dies as a machine does when its power goes: its link goes down first (no FIN or RST
reaches anyone: peers keep their half-open connections), then every process in it is killed."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from _django import ROOT

PREFIX = "hr20-"
BRIDGE = "hr20-br"
SUBNET = "10.77.0"


def ip(*args, check=True):
    return subprocess.run(  # noqa: S603
        ["ip", *args], capture_output=True, text=True, check=check
    ).stdout


def _kill_all(namespace):
    for pid in ip("netns", "pids", namespace, check=False).split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


def cleanup():
    """Remove every namespace and the bridge of this bench (a previous run's leftovers too),
    killing what still runs in them."""
    for line in ip("netns", "list").splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(PREFIX):
            _kill_all(name)
            time.sleep(0.1)
            ip("netns", "del", name, check=False)
    for line in ip("-o", "link", "show").splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(PREFIX):
            ip("link", "del", name, check=False)


def make_bridge():
    ip("link", "add", BRIDGE, "type", "bridge")
    ip("addr", "add", f"{SUBNET}.1/24", "dev", BRIDGE)
    ip("link", "set", BRIDGE, "up")


class Host:
    def __init__(self, name, octet):
        self.name = name
        self.namespace = PREFIX + name
        self.address = f"{SUBNET}.{octet}"
        self.processes = []
        ip("netns", "add", self.namespace)
        # The bridge end keeps the host's name (at most 15 characters); inside it is eth0.
        ip(
            "link",
            "add",
            self.namespace,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            self.namespace,
        )
        ip("link", "set", self.namespace, "master", BRIDGE, "up")
        ip("-n", self.namespace, "addr", "add", f"{self.address}/24", "dev", "eth0")
        ip("-n", self.namespace, "link", "set", "eth0", "up")
        ip("-n", self.namespace, "link", "set", "lo", "up")

    def run(self, argv, log, env=None, user=None):
        """Start a process in this host (as `user` if given); its output goes to `log`."""
        prefix = ["ip", "netns", "exec", self.namespace]
        if user:
            prefix += ["runuser", "-u", user, "--"]
        with open(log, "ab") as out:
            process = subprocess.Popen(  # noqa: S603
                [*prefix, *map(str, argv)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def alive(self):
        return any(p.poll() is None for p in self.processes)

    def die(self):
        """Power off: the link first, then SIGKILL to every process in the host."""
        ip("link", "set", self.namespace, "down")
        _kill_all(self.namespace)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)

    def stop(self):
        """A clean stop (SIGTERM, then SIGKILL after a while)."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        _kill_all(self.namespace)


def wait_until(predicate, *, timeout, message, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet: try again until the deadline
            pass
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {message}")


def log_tail(path, chars=3000):
    path = Path(path)
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""
