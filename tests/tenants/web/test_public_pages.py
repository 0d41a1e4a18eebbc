"""The participant pages: file a complaint without signing in, check its status with the
tracking code, read how complaints work here, and print the poster."""

import base64
import re

import pytest
from django.db import connection

from tenants.policy import change_policy

FILE = "/complaints/new/"
FILED = "/complaints/filed/"
STATUS = "/complaints/status/"


def complaint(**overrides):
    data = {
        "what_happened": "Someone took my bag of supplies at the table and pushed me.",
        "when": "yesterday",
        "location": "supply table",
        "who_was_involved": "Tall guy, red cap, calls himself Wolf",
        "contact_method": "none",
        "contact_detail": "",
        "website": "",
    }
    data.update(overrides)
    return data


def cases_in(program, in_program, **filters):
    from workflow.models import Case

    with in_program(program):
        return list(Case.objects.filter(**filters))


def no_inline_code(html):
    """CSP forbids inline scripts and styles: every script has a src, no style attributes."""
    return all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)) and (
        " style=" not in html and "<style" not in html
    )


def test_public_pages_open_signed_out(program_a, public_client):
    client = public_client(program_a)
    for path in (FILE, STATUS, "/how-complaints-work/", "/how-complaints-work/poster/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_inline_code(response.content.decode()), path


def test_anonymous_complaint_gets_a_tracking_code(program_a, public_client, in_program):
    client = public_client(program_a)
    response = client.post(FILE, complaint())
    assert response.status_code == 302 and response["Location"] == FILED
    page = client.get(FILED).content.decode()
    code = re.search(r'class="tracking-code"[^>]*>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){2})<', page).group(1)
    assert "Write this code down" in page

    (case,) = cases_in(program_a, in_program, tracking_code=code)
    assert case.kind == "complaint" and case.state == "reported"
    assert case.reported_by_id is None and case.owner_id is None
    assert case.location == "supply table" and case.categories == ["other"]
    assert "Someone took my bag" in case.narrative
    assert "Tall guy, red cap" in case.narrative and "Anonymous" in case.narrative
    with in_program(program_a):
        event, added = case.events.order_by("seq")
        # The filer is a party of their own: an anonymous complainant, reached by the code.
        (filer,) = case.parties.all()
    assert (filer.role, filer.kind, filer.name) == ("complainant", "filer", "")
    assert filer.access_code == code and filer.participant_id is None
    assert filer.staff_user_id is None
    assert (event.action, event.actor_id) == ("file_complaint", None)
    assert event.after["anonymous"] is True and event.after["filed_by"] == "participant"
    assert (added.action, added.after["party"], added.after["anonymous"]) == (
        "add_party",
        filer.pk,
        True,
    )


def test_filing_with_contact_by_text_keeps_the_number_for_staff(
    program_a, public_client, in_program
):
    client = public_client(program_a)
    client.post(
        FILE,
        complaint(
            contact_method="text",
            contact_detail="555 123 4567",
            filer_name="Robin",
            categories=["theft", "violence"],
        ),
    )
    code = re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){2})", client.get(FILED).content.decode())[1]
    (case,) = cases_in(program_a, in_program, tracking_code=code)
    assert "555 123 4567" in case.narrative and "Robin" in case.narrative
    assert case.categories == ["theft", "violence"]


def test_bad_input_says_what_to_fix_and_keeps_what_was_typed(program_a, public_client, in_program):
    client = public_client(program_a)
    before = len(cases_in(program_a, in_program))
    response = client.post(
        FILE, complaint(what_happened="  ", contact_method="email", contact_detail="not-an-email")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tell us what happened, in your own words." in page
    assert "Tall guy, red cap" in page  # nothing typed is lost
    assert 'value="not-an-email"' in page

    response = client.post(FILE, complaint(contact_method="email", contact_detail="not-an-email"))
    assert response.status_code == 400
    assert "does not look like an email address" in response.content.decode()
    response = client.post(FILE, complaint(contact_method="text", contact_detail=""))
    assert "Give the phone number or email address" in response.content.decode()
    # The limit is the service's, said in words; the boxes have no `maxlength` (a browser cuts a
    # paste at it without a word), so everything typed comes back to be shortened.
    response = client.post(FILE, complaint(what_happened="w" * 5_001))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please keep it to 5,000 characters at most (it has 5,001)." in page
    assert "w" * 5_001 in page
    boxes = re.findall(r"<textarea[^>]*>", page)
    assert boxes and not [box for box in boxes if "maxlength" in box]
    response = client.post(FILE, complaint(who_was_involved="x" * 2_001))
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2000 characters (it has 2001)" in page
    assert "x" * 2_001 in page
    assert len(cases_in(program_a, in_program)) == before


def test_honeypot_files_nothing(program_a, public_client, in_program):
    client = public_client(program_a)
    before = len(cases_in(program_a, in_program))
    response = client.post(FILE, complaint(website="http://spam.example"))
    assert response.status_code == 400
    assert "filled in automatically" in response.content.decode()
    assert len(cases_in(program_a, in_program)) == before


def test_rate_limit_per_address_gives_a_friendly_429(
    program_a, program_b, public_client, in_program, settings
):
    settings.PUBLIC_RATE_LIMITS = {"file_complaint": (3, 600), "check_status": (2, 600)}
    flood = public_client(program_a, address="10.250.0.1")
    for _ in range(3):
        assert flood.post(FILE, complaint(what_happened="")).status_code == 400
    response = flood.post(FILE, complaint())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait a moment" in response.content.decode()
    assert not cases_in(program_a, in_program, narrative__startswith="Someone took my bag")

    # Someone else (another address) is not held back, nor is the same address on another
    # program's site (the cache keys carry the program's schema).
    assert public_client(program_a).post(FILE, complaint()).status_code == 302
    other_site = public_client(program_b, address="10.250.0.1")
    assert other_site.post(FILE, complaint()).status_code == 302

    for _ in range(2):
        assert flood.post(STATUS, {"code": "AAAA-BBBB"}).status_code == 200
    assert flood.post(STATUS, {"code": "AAAA-BBBB"}).status_code == 429


def test_rate_limit_counts_honeypot_trips(program_a, public_client, settings):
    settings.PUBLIC_RATE_LIMITS = {"file_complaint": (2, 600)}
    bot = public_client(program_a)
    for _ in range(2):
        assert bot.post(FILE, complaint(website="x")).status_code == 400
    assert bot.post(FILE, complaint(website="x")).status_code == 429


@pytest.fixture
def filed_case(program_a, in_program, world):
    """A complaint filed publicly, then named parties added by staff (with codes and aliases)."""
    from tenants.models import Participant
    from workflow.models import PartyRole
    from workflow.services import add_party, file_complaint

    with in_program(program_a):
        case = file_complaint(
            what_happened="Wolf shoved me by the coffee.",
            occurred_at=None,
            who_was_involved="Wolf",
        )
        wolf = Participant.objects.create(code="P-WOLF", alias="Wolfie")
        add_party(
            actor=world.users["a_staff"],
            case=case,
            role=PartyRole.PERSON_WHO_DID_HARM,
            participant=wolf,
        )
    return case


def test_status_shows_the_stage_only(program_a, public_client, filed_case):
    client = public_client(program_a)
    code = filed_case.tracking_code
    for typed in (code, code.lower().replace("-", ""), f"  {code[:4]} {code[5:]} "):
        response = client.post(STATUS, {"code": typed}, follow=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert response.redirect_chain == [("/complaints/mine/", 302)]
        assert "Received" in page and "Your page" in page
    for private in ("Wolf", "P-WOLF", "coffee", "shoved", "a_staff"):
        assert private not in page


def test_status_follows_the_case_and_never_shows_reasons(
    program_a, public_client, filed_case, in_program, world
):
    from workflow.services import withdraw_case

    with in_program(program_a):
        withdraw_case(
            actor=world.users["a_lead"], case=filed_case, reason="Wolf apologised to Robin."
        )
    page = public_client(program_a).post(STATUS, {"code": filed_case.tracking_code}, follow=True)
    page = page.content.decode()
    assert "Closed (withdrawn)" in page
    assert "apologised" not in page and "Robin" not in page


def test_unknown_code_gets_the_same_neutral_answer(program_a, program_b, public_client, filed_case):
    answers = set()
    for program, typed in (
        (program_a, "ZZZZ-ZZZZ"),
        (program_a, "nonsense"),
        (program_b, filed_case.tracking_code),  # another program's code means nothing here
    ):
        response = public_client(program).post(STATUS, {"code": typed})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nothing opens with this code" in page
        answers.add(re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+|value=\"[^\"]*\"", "", page))
    assert len({a.replace("Program B", "Program A") for a in answers}) == 1


def test_how_it_works_follows_the_current_policy(program_a, public_client, in_program, world):
    client = public_client(program_a)
    page = client.get("/how-complaints-work/").content.decode()
    assert "We acknowledge it within 2 days." in page
    assert "A decision within 7 days of the complaint." in page
    assert "No one is ever banned for good." in page
    assert "within 14 days of it" in page
    assert (
        "Who can appeal: the harmed person, person who did harm and person who complained." in page
    )
    assert "7, 30 and 90 days after the decision" in page
    assert "program admin or program lead" in page
    with in_program(program_a):
        change_policy(
            actor=world.users["a_admin"],
            response_window_days=10,
            max_ban_days=14,
            appeal_levels=2,
            pause_ban_during_appeal=True,
        )
    page = client.get("/how-complaints-work/").content.decode()
    assert "A decision within 10 days of the complaint." in page
    assert "at most 14 days" in page
    assert "up to 2 times in all" in page
    assert "paused while the appeal is open" in page


def test_poster_has_a_qr_code_to_the_filing_page(program_a, public_client):
    page = public_client(program_a).get("/how-complaints-work/poster/").content.decode()
    url = f"http://prog-a.localhost{FILE}"
    assert url in page or re.search(r"http://prog-a\.localhost:\d+/complaints/new/", page)
    src = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    svg = base64.b64decode(src).decode()
    assert svg.startswith("<?xml") and "<svg" in svg and "<path" in svg


def test_filed_page_without_a_filing_goes_to_the_form(program_a, public_client):
    response = public_client(program_a).get(FILED)
    assert response.status_code == 302 and response["Location"] == FILE


def test_a_member_of_another_program_gets_404(db, program_a, client_for, world):
    # ProgramAccessMiddleware: a signed-in outsider is never told what exists.
    client = client_for(program_a, world.users["b_admin"])
    assert client.get(FILE).status_code == 404


def test_public_pages_stay_on_the_program_schema(program_a, public_client):
    public_client(program_a).get("/how-complaints-work/")
    assert connection.schema_name == "public"
