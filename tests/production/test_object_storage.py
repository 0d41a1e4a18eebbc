"""Evidence and archives in S3-compatible storage (config.object_storage, config.files), on
the real S3 server: evidence is kept under the program's prefix, goes into the program's
export, is deleted by the retention purge, and every file of a program goes at retirement
while its archive stays."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.object_storage import ObjectStorageUrlError, s3_options, storages_setting

pytestmark = pytest.mark.slow


@pytest.fixture
def bucket(s3, settings, stack_world, django_db_blocker):
    url = s3.bucket()
    settings.STORAGES = storages_setting(object_storage_url=url, archive_root="/nonexistent")
    with django_db_blocker.unblock():
        yield url
        connection.set_schema_to_public()


def test_evidence_lives_under_the_program_prefix_goes_in_the_export_and_is_purged(
    bucket, s3, stack_world
):
    from workflow import services
    from workflow.archive import write_program_archive
    from workflow.models import Case
    from workflow.retention import purge_expired_cases

    program, staff = stack_world.program, stack_world.staff
    content = b"Voice note transcript: asked to leave at 9pm.\n" * 50
    with tenant_context(program):
        case = Case.objects.get(pk=stack_world.case_id)
        evidence = services.attach_evidence(
            actor=staff,
            case=case,
            uploaded_file=SimpleUploadedFile("note.txt", content, "text/plain"),
        )
        key = f"programs/{program.schema_name}/evidence/{evidence.pk}"
        assert s3.keys(bucket) == [key]

        export = io.BytesIO()
        write_program_archive(export, program=program)
        with zipfile.ZipFile(export) as archive:
            names = [n for n in archive.namelist() if n.startswith("evidence/")]
            assert [archive.read(n) for n in names] == [content]

        # Closed long ago: the purge removes the case and its file from the bucket.
        Case.objects.filter(pk=case.pk).update(
            state="withdrawn",
            ending_reason="Parties settled it.",
            ended_at=timezone.now() - timedelta(days=3000),
        )
        record = purge_expired_cases()
    assert record.files_purged == 1
    assert s3.keys(bucket) == []


def test_retirement_deletes_the_program_prefix_and_keeps_its_archive(bucket, s3):
    from django.core.files.storage import default_storage

    from config.files import delete_program_files, open_archive, save_archive

    for name in ("evidence/1", "evidence/2", "exports/x.zip"):
        default_storage.save(f"programs/going/{name}", ContentFile(b"x"))
    default_storage.save("programs/going-on/evidence/3", ContentFile(b"stays"))
    kept = save_archive("going", "going-20260101.zip", ContentFile(b"PK archive"))
    assert kept == "going/going-20260101.zip"

    assert delete_program_files("going") == 3
    assert delete_program_files("going") == 0  # a second run finds nothing
    assert s3.keys(bucket) == ["archives/going/going-20260101.zip", "programs/going-on/evidence/3"]
    with open_archive(kept) as archive:
        assert archive.read() == b"PK archive"


def test_local_folders_are_the_default(tmp_path, settings):
    from django.core.files.storage import default_storage

    from config.files import delete_program_files, open_archive, save_archive

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = storages_setting(object_storage_url="", archive_root=str(tmp_path / "a"))
    default_storage.save("programs/going/evidence/1", ContentFile(b"x"))
    name = save_archive("going", "going.zip", ContentFile(b"PK"))
    assert delete_program_files("going") == 1
    assert not (tmp_path / "media" / "programs" / "going").exists()
    with open_archive(name) as archive:
        assert archive.read() == b"PK"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("s3://k:s@host/bucket", "must start with https://"),
        ("https://k:s@host/", "one bucket"),
        ("https://k:s@host/a/b", "one bucket"),
        ("https://host/bucket", "access key and secret"),
        ("https://k:s@host/bucket?acl=public-read", "unknown option acl"),
    ],
)
def test_a_wrong_object_storage_url_says_what_to_fix(url, says):
    with pytest.raises(ObjectStorageUrlError, match=says):
        s3_options(url)


def test_object_storage_url_is_read_with_encoded_secrets():
    options = s3_options("https://AK%2F1:se%2Bcret%40x@s3.example.org:9000/files?region=eu-1")
    assert options["endpoint_url"] == "https://s3.example.org:9000"
    assert (options["access_key"], options["secret_key"]) == ("AK/1", "se+cret@x")
    assert (options["bucket_name"], options["region_name"]) == ("files", "eu-1")
    assert options["default_acl"] is None and options["addressing_style"] == "path"
