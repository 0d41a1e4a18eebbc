"""Files on more than one host: two web servers (gunicorn, config.production), each with its
own local disk, share one S3 bucket. Evidence uploaded through one is downloaded through the
other, byte for byte, through the permission-checked download (never a link to the bucket);
neither disk holds it, and it sits under the program's own prefix."""

import json
import uuid

import pytest

from tests.conftest import PASSWORD
from tests.notifications.harness import RedisServer, child_env
from tests.production.stack import Browser, collectstatic, production_env, start_gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture
def two_hosts(stack_world, s3, tmp_path):
    redis = RedisServer().start()
    bucket = s3.bucket()
    base = production_env(
        child_env(
            database_url=stack_world.database_url,
            owner_url=stack_world.owner_url,
            redis_url=redis.url,
            namespace=f"hosts-{uuid.uuid4().hex[:8]}",
            mail_dir=tmp_path,
        ),
        STATIC_ROOT=str(tmp_path / "static"),
        OBJECT_STORAGE_URL=bucket,
    )
    collectstatic(base, tmp_path / "static")
    hosts = []
    try:
        for name in ("one", "two"):
            disk = tmp_path / f"disk-{name}"
            disk.mkdir()
            env = {**base, "MEDIA_ROOT": str(disk / "media"), "ARCHIVE_ROOT": str(disk / "arch")}
            web = start_gunicorn(env, tmp_path / f"web-{name}.log")
            web.disk = disk
            hosts.append(web)
        yield hosts, bucket
    finally:
        for web in hosts:
            web.stop()
        redis.kill()


def test_evidence_uploaded_on_one_host_downloads_on_another(two_hosts, stack_world, s3):
    (one, two), bucket = two_hosts
    host = stack_world.program.domains.first().domain
    first = Browser(one.port, host)
    first.sign_in(stack_world.staff.email, PASSWORD)
    content = b"Photo caption: the side door, 3 May, 21:40.\n" * 200
    case = f"/api/cases/{stack_world.case_id}"
    answer = first.post_file(f"{case}/evidence/", "file", "door.txt", content, "text/plain")
    assert answer.status == 201, answer.body[:2000]
    evidence = json.loads(answer.body)["evidence"][-1]

    # The same browser, its next request sent by the load balancer to the other host.
    second = Browser(two.port, host)
    second.cookies = dict(first.cookies)
    download = second.get(evidence["download_url"])
    assert download.status == 200, download.body[:2000]
    assert download.body == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in download.headers["Cache-Control"]

    # Nothing on either disk; in the bucket, under the program's own prefix.
    for web in (one, two):
        assert not [p for p in web.disk.rglob("*") if p.is_file()], web.disk
    schema = stack_world.program.schema_name
    assert f"programs/{schema}/evidence/{evidence['id']}" in s3.keys(bucket)

    # Someone signed out gets nothing from either host.
    for web in (one, two):
        stranger = Browser(web.port, host)
        assert stranger.get(evidence["download_url"]).status in (401, 403, 404)
