"""Anonymous filers are parties, and every party with a code has a page of their own: their
notices, where the case stands, and what they can do for themselves (issue 15)."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.tenants.web.test_public_pages import FILE, FILED, STATUS, complaint

MINE = "/complaints/mine/"


def file_anonymously(client, **overrides):
    assert client.post(FILE, complaint(**overrides)).status_code == 302
    return re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){2})", client.get(FILED).text)[1]


def case_of(code, program, in_program):
    from workflow.models import Case

    with in_program(program):
        return Case.objects.get(tracking_code=code)


@pytest.fixture
def staff(client_for, program_a, world):
    return client_for(program_a, world.users["a_staff"])


def test_an_anonymous_complaint_is_acknowledged_and_the_filer_reads_the_notice(
    program_a, public_client, staff, in_program
):
    from workflow.models import CaseEvent, Notice

    filer = public_client(program_a)
    code = file_anonymously(filer)
    case = case_of(code, program_a, in_program)
    # Staff acknowledge it from the case page: the filer is the party who gets the notice.
    response = staff.post(f"/cases/{case.pk}/steps/acknowledge_case/")
    assert response.status_code == 302, response.text
    page = filer.post(STATUS, {"code": code}, follow=True).text
    assert "Being looked into" in page and "Received" not in re.sub(
        r"<ol.*?</ol>", "", page, flags=re.S
    )
    assert "You filed a complaint on" in page and "Your rights" in page
    with in_program(program_a):
        notice = Notice.objects.get(case=case)
        assert (notice.delivery_method, notice.delivered_by_id) == ("own_page", None)
        event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
        assert event.action == "read_own_notices" and event.actor_id is None
        assert event.after["by"] == "anonymous · Complainant"
    timeline = staff.get(f"/cases/{case.pk}/timeline/").text
    assert "anonymous · Complainant (on their own page)" in timeline


def test_wrong_codes_and_passphrases_are_refused_alike_and_rate_limited(
    program_a, public_client, in_program, settings
):
    filer = public_client(program_a)
    code = file_anonymously(filer, passphrase="blue kettle")
    answers = set()
    guesser = public_client(program_a)
    for typed in (
        {"code": code},  # the right code, no passphrase
        {"code": code, "passphrase": "red kettle"},
        {"code": "ZZZZ-ZZZZ-ZZZZ", "passphrase": "blue kettle"},
        {"code": "ZZZZ-ZZZZ-ZZZZ"},
    ):
        response = guesser.post(STATUS, typed)
        assert response.status_code == 200
        assert "Nothing opens with this code" in response.text
        answers.add(re.sub(r'value="[^"]*"', "", response.text))
    assert len(answers) == 1
    opened = guesser.post(STATUS, {"code": code, "passphrase": "blue kettle"}, follow=True)
    assert opened.redirect_chain == [(MINE, 302)]

    settings.PUBLIC_RATE_LIMITS = {"check_status": (3, 600)}
    tries = public_client(program_a)
    for _ in range(3):
        assert tries.post(STATUS, {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 200
    assert tries.post(STATUS, {"code": code, "passphrase": "blue kettle"}).status_code == 429


def test_the_page_needs_the_code_first_and_closes(program_a, program_b, public_client):
    filer = public_client(program_a)
    assert filer.get(MINE)["Location"] == STATUS
    code = file_anonymously(filer)
    filer.post(STATUS, {"code": code})
    assert filer.get(MINE).status_code == 200
    filer.post(MINE, {"action": "leave"})
    assert filer.get(MINE)["Location"] == STATUS


def test_the_filer_acts_for_themselves_and_the_timeline_says_so(
    program_a, public_client, staff, in_program, world
):
    from workflow import services
    from workflow.models import CaseEvent, CaseParty, Consent, Statement

    filer = public_client(program_a)
    code = file_anonymously(filer)
    case = case_of(code, program_a, in_program)
    with in_program(program_a):
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
    filer.post(STATUS, {"code": code}, follow=True)
    posts = [
        {"action": "statement", "statement-content": "They took my bag while I was away."},
        {"action": "supporter", "supporter-role": "support_person", "supporter-name": "Aunt Jo"},
        {"action": "consent"},
        {"action": "withdraw", "withdraw-note": "Not ready."},
    ]
    for data in posts:
        response = filer.post(MINE, data)
        assert response.status_code == 302, (data, response.text)
    with in_program(program_a):
        me = CaseParty.objects.get(case=case, kind="filer")
        assert Statement.objects.get(case=case).party == me
        supporter = CaseParty.objects.get(case=case, role="support_person")
        assert (supporter.name, supporter.represents, supporter.kind) == ("Aunt Jo", me, "named")
        assert Consent.objects.get(party=me).withdrawn_at is not None
        mine = CaseEvent.objects.filter(case=case, after__by_party=me.pk).order_by("seq")
        assert [e.action for e in mine] == [
            "read_own_notices",
            "add_own_statement",
            "name_own_supporter",
            "give_own_consent",
            "withdraw_own_consent",
        ]
        assert all(e.actor_id is None for e in mine)
    # An empty statement says what to fix.
    response = filer.post(MINE, {"action": "statement", "statement-content": " "})
    assert response.status_code == 400 and "in your own words" in response.text
    # So does a long one, pasted: the box (no `maxlength`, which would cut it without a word)
    # gives every character back to shorten.
    words = "w" * 10_001
    response = filer.post(MINE, {"action": "statement", "statement-content": words})
    assert response.status_code == 400
    assert "Keep the statement to 10,000 characters at most (it has 10,001)." in response.text
    assert words in response.text
    assert not [box for box in re.findall(r"<textarea[^>]*>", response.text) if "maxlength" in box]


def decide(case, world, in_program, program):
    from workflow import services

    with in_program(program):
        services.start_investigation(
            actor=world.users["a_lead"], case=case, investigator=world.users["a_staff2"]
        )
        services.decide_case(
            actor=world.users["a_lead"],
            case=case,
            reasons="Internal: the bag was found.",
            actions=[],
            harmed_person_heard=True,
        )


def test_the_filer_appeals_within_the_window_from_their_page(
    program_a, public_client, in_program, world
):
    from workflow import services
    from workflow.models import Appeal, Case

    filer = public_client(program_a)
    code = file_anonymously(filer)
    case = case_of(code, program_a, in_program)
    with in_program(program_a):
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
    filer.post(STATUS, {"code": code})
    page = filer.get(MINE).text
    assert "You can appeal once a decision is made." in page
    decide(case, world, in_program, program_a)
    page = filer.get(MINE).text
    assert "Decision and how to appeal" in page and "File my appeal" in page
    assert "Internal: the bag" not in page
    response = filer.post(MINE, {"action": "appeal", "appeal-grounds": "Nobody asked me."})
    assert response.status_code == 302
    with in_program(program_a):
        appeal = Appeal.objects.get(case=case)
        assert appeal.filed_by.kind == "filer" and appeal.recorded_by_id is None
        assert Case.objects.get(pk=case.pk).state == "appealed"
    assert "An appeal is being looked at now." in filer.get(MINE).text


def test_an_appeal_after_the_window_is_refused_on_the_page(
    program_a, public_client, in_program, world
):
    from workflow import services
    from workflow.models import Decision

    filer = public_client(program_a)
    code = file_anonymously(filer)
    case = case_of(code, program_a, in_program)
    with in_program(program_a):
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
    decide(case, world, in_program, program_a)
    with in_program(program_a):
        Decision.objects.filter(case=case).update(
            decided_at=timezone.now() - timedelta(days=20),
            appeal_deadline=timezone.now() - timedelta(days=6),
        )
    filer.post(STATUS, {"code": code})
    page = filer.get(MINE).text
    assert "The time to appeal has passed." in page and "File my appeal" not in page
    response = filer.post(MINE, {"action": "appeal", "appeal-grounds": "Late."})
    assert response.status_code == 400 and "appeal window closed" in response.text


def test_a_witness_given_a_code_reads_their_notice_but_cannot_appeal(
    program_a, public_client, in_program, world
):
    from tenants.models import Participant
    from workflow import services
    from workflow.models import Appeal

    filer = public_client(program_a)
    case = case_of(file_anonymously(filer), program_a, in_program)
    with in_program(program_a):
        witness = services.add_party(
            actor=world.users["a_staff"],
            case=case,
            role="witness",
            participant=Participant.objects.create(code="W-9", alias="Watcher"),
        )
        witness_code = services.give_party_code(
            actor=world.users["a_staff"], case=witness.case, party=witness
        )
        services.acknowledge_case(actor=world.users["a_staff"], case=case)
    decide(case, world, in_program, program_a)
    page_of_witness = public_client(program_a)
    page = page_of_witness.post(STATUS, {"code": witness_code}, follow=True).text
    assert "named as a witness" in page
    assert "your part in the case cannot appeal" in page and "File my appeal" not in page
    response = page_of_witness.post(MINE, {"action": "appeal", "appeal-grounds": "Me too."})
    assert response.status_code == 400 and "witness cannot appeal" in response.text
    with in_program(program_a):
        assert not Appeal.objects.filter(case=case).exists()


def test_the_page_shows_dates_in_the_programs_time_zone(
    program_a, public_client, in_program, world
):
    from tenants.policy import change_policy

    filer = public_client(program_a)
    code = file_anonymously(filer)
    case = case_of(code, program_a, in_program)
    with in_program(program_a):
        change_policy(actor=world.users["a_admin"], time_zone="Pacific/Auckland")
    page = filer.post(STATUS, {"code": code}, follow=True).text
    due = timezone.localtime(case.response_due_at, zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert f"{due:%-d %B %Y, %H:%M}" in page


def test_actions_on_the_page_are_rate_limited(program_a, public_client, settings):
    settings.PUBLIC_RATE_LIMITS = {"own_page": (2, 600)}
    filer = public_client(program_a)
    filer.post(STATUS, {"code": file_anonymously(filer)})
    for _ in range(2):
        assert filer.post(MINE, {"action": "statement", "statement-content": ""}).status_code == 400
    assert filer.post(MINE, {"action": "statement", "statement-content": "x"}).status_code == 429


def test_a_new_code_closes_pages_opened_with_the_old_one(
    program_a, public_client, in_program, world
):
    from tenants.models import Participant
    from workflow import services

    filer = public_client(program_a)
    case = case_of(file_anonymously(filer), program_a, in_program)
    with in_program(program_a):
        party = services.add_party(
            actor=world.users["a_staff"],
            case=case,
            role="harmed_person",
            participant=Participant.objects.create(code="H-7"),
        )
        old = services.give_party_code(actor=world.users["a_staff"], case=party.case, party=party)
    holder = public_client(program_a)
    holder.post(STATUS, {"code": old})
    assert holder.get(MINE).status_code == 200
    with in_program(program_a):
        new = services.give_party_code(actor=world.users["a_staff"], case=party.case, party=party)
    assert new != old
    assert holder.get(MINE)["Location"] == STATUS
    assert "Nothing opens" in holder.post(STATUS, {"code": old}).text


def test_a_code_staff_gave_with_a_complaint_they_recorded_shows_its_stage(
    program_a, public_client, in_program, world
):
    """A complaint staff record with a tracking code has no filer party: the code shows the
    stage only, as before."""
    from workflow import services

    with in_program(program_a):
        case = services.report_case(
            actor=world.users["a_staff"],
            kind="complaint",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Told at the desk.",
            categories=["other"],
            severity="low",
            issue_tracking_code=True,
        )
    client = public_client(program_a)
    page = client.post(STATUS, {"code": case.tracking_code})
    assert page.status_code == 200 and "Received" in page.text and "Told at" not in page.text
    wrong = client.post(STATUS, {"code": case.tracking_code, "passphrase": "guess"})
    assert "Nothing opens with this code" in wrong.text


def test_a_staff_member_who_is_a_party_reads_their_notice_on_their_own_page(
    program_a, public_client, in_program, world
):
    """Journey 3: Sam cannot see the case from the staff side; the notice reaches Sam on their
    own page, with a code the lead gives."""
    from workflow import services

    filer = public_client(program_a)
    case = case_of(file_anonymously(filer), program_a, in_program)
    with in_program(program_a):
        sam = services.add_party(
            actor=world.users["a_lead"],
            case=case,
            role="person_who_did_harm",
            staff_user=world.users["a_staff2"],
        )
        code = services.give_party_code(actor=world.users["a_lead"], case=sam.case, party=sam)
        services.acknowledge_case(actor=world.users["a_lead"], case=case)
    page = public_client(program_a).post(STATUS, {"code": code}, follow=True).text
    assert "person who did harm" in page and "Your rights" in page
