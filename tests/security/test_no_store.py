"""`Cache-Control: no-store` on case pages, API answers and evidence (issue 13): a shared
computer's back button or a proxy never keeps a case."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.workflow.conftest import in_a, make_case, people, users  # noqa: F401


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def _post(client, url, data=None):
    response = client.post(url, data or {}, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_case_pages_api_answers_and_evidence_are_not_stored(
    make_case,  # noqa: F811  (the fixture imported above)
    client_for,
    program_a,
    world,
):
    case = make_case()
    staff = client_for(program_a, world.users["a_staff"])
    lead = client_for(program_a, world.users["a_lead"])
    for path in ("/", "/cases/", f"/cases/{case.pk}/", f"/cases/{case.pk}/timeline/"):
        page = staff.get(path)
        assert page.status_code == 200, path
        assert _no_store(page), path
    for path in ("/api/cases/", f"/api/cases/{case.pk}/"):
        answer = staff.get(path)
        assert answer.status_code == 200 and _no_store(answer), path

    base = f"/api/cases/{case.pk}"
    _post(staff, f"{base}/acknowledge/")
    _post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    upload = SimpleUploadedFile("note.txt", b"evidence", "text/plain")
    uploaded = staff.post(f"{base}/evidence/", {"file": upload})
    assert uploaded.status_code in (200, 201) and _no_store(uploaded)
    download = staff.get(uploaded.json()["evidence"][0]["download_url"])
    assert download.status_code == 200 and _no_store(download)

    # Even an API refusal, and a program's public pages.
    assert _no_store(Client(HTTP_HOST="prog-a.localhost").get("/api/cases/"))
    assert _no_store(Client(HTTP_HOST="prog-a.localhost").get("/complaints/status/"))


def test_ta_api_answers_are_not_stored(db, world):
    from summaries.services import create_api_token

    token = create_api_token(user=world.users["ta_x"], name="test", days=30)[1]
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = client.get("/api/ta/programs/")
    assert answer.status_code == 200 and _no_store(answer)


def test_the_public_landing_page_may_be_cached(db):
    assert not _no_store(Client(HTTP_HOST="localhost").get("/"))
