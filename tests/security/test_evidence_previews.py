"""A photo on the case page is shown through its own preview address: the page's read is the
one written to the read log (not one more per photo), the picture may stay a few minutes in the
reader's own browser (never a shared cache), and the checks are the download's: a party to the
case, another program's member, someone not signed in, or someone whose read of the case is not
in the log gets a 404, and a file that is not a photo has no preview."""

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tests.security import test_evidence_serving as serving

PNG, _upload = serving.PNG, serving._upload
case = serving.case  # the same case, investigating, in program A

PREVIEW = re.compile(r'<img class="evidence-thumb" src="([^"]+)"')


def _reads(program, case):
    from workflow.models import CaseRead

    with tenant_context(program):
        return CaseRead.objects.filter(case_id=case.pk).count()


@pytest.fixture
def photos(case, client_for, program_a, world):
    staff = client_for(program_a, world.users["a_staff"])
    found = [_upload(staff, case, PNG, "image/png", name=f"p{n}.png") for n in range(3)]
    notes = _upload(staff, case, b"Written at the time.", "text/plain", name="notes.txt")
    return found, notes


def test_a_case_page_with_three_photos_writes_one_read(case, photos, client_for, program_a, world):
    staff = client_for(program_a, world.users["a_staff2"])
    before = _reads(program_a, case)
    page = staff.get(f"/cases/{case.pk}/")
    sources = PREVIEW.findall(page.text)
    assert len(sources) == 3
    for src in sources:
        answer = staff.get(src)
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == PNG
        assert answer.headers["Content-Type"] == "image/png"
        cache = answer.headers["Cache-Control"]
        assert "private" in cache and "max-age=300" in cache and "no-store" not in cache, cache
        assert not answer.headers.get("Content-Disposition", "").startswith("attachment")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"].startswith("sandbox")
    assert _reads(program_a, case) == before + 1
    # Downloading the file itself is a read of its own, and is never kept.
    download = staff.get(f"/cases/{case.pk}/evidence/{photos[0][0]['id']}/")
    assert download.status_code == 200 and "no-store" in download.headers["Cache-Control"]
    assert _reads(program_a, case) == before + 2


def test_previews_are_refused_as_downloads_are(
    case, photos, client_for, program_a, program_b, world
):
    from accounts.models import Membership, Role, User
    from workflow.models import CaseParty, PartyKind, PartyRole

    found, notes = photos
    url = f"/cases/{case.pk}/evidence/{found[0]['id']}/preview/"
    # A member of A who has not opened the case page: not in the log, no picture.
    staff = client_for(program_a, world.users["a_staff2"])
    assert staff.get(url).status_code == 404
    assert staff.get(f"/cases/{case.pk}/").status_code == 200
    assert staff.get(url).status_code == 200
    # A file that is not a photo has no preview, only its download.
    assert staff.get(f"/cases/{case.pk}/evidence/{notes['id']}/preview/").status_code == 404
    # A member of A named in the case, even after reading it before they were.
    party = User.objects.create_user(email="party-to-photos@example.test")
    Membership.objects.create(user=party, role=Role.PROGRAM_ADMIN, program=program_a)
    as_party = client_for(program_a, party)
    assert as_party.get(f"/cases/{case.pk}/").status_code == 200
    with tenant_context(program_a):
        CaseParty.objects.create(
            case=case, role=PartyRole.WITNESS, kind=PartyKind.STAFF, staff_user=party
        )
    assert as_party.get(url).status_code == 404
    # Another program's member, on A's site and on their own; someone not signed in.
    assert client_for(program_a, world.users["b_staff"]).get(url).status_code == 404
    assert client_for(program_b, world.users["b_staff"]).get(url).status_code == 404
    anonymous = Client(HTTP_HOST=f"{program_a.slug}.localhost").get(url)
    assert anonymous.status_code in (302, 404)
    assert not anonymous.get("Content-Type", "").startswith("image/")


def test_signing_out_clears_the_browsers_cache(db, client_for, program_a, world):
    staff = client_for(program_a, world.users["a_staff"])
    answer = staff.post("/accounts/logout/")
    assert answer.headers["Clear-Site-Data"] == '"cache"'
