"""Each notice is one party's: it prints alone, and it says what the process, the decision and
the appeal mean for that party and nobody else (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.models import Participant
from workflow import services
from workflow.errors import WorkflowError
from workflow.models import ActionKind, CaseEvent, CaseParty, Notice, NoticeKind, PartyRole

MARK = "MK-"  # every field that is not the harmed person's own carries a marker "MK-..."


@pytest.fixture
def marked_case(in_a, users):
    """A case run to an appeal outcome, with a marker in every field that is not the harmed
    person's: the narrative, the other parties' codes and aliases, the ban and its supplies,
    statements, context, the hearing, the decision, the plan, the appeal and its notes."""
    staff, lead, admin = users["a_staff"], users["a_lead"], users["a_admin"]
    river = Participant.objects.create(code="R-1", alias="River")
    sky = Participant.objects.create(code="MK-SKYCODE", alias="MK-SKYALIAS")
    stone = Participant.objects.create(code="MK-WITNESSCODE", alias="MK-WITNESSALIAS")
    case = services.report_case(
        actor=staff,
        kind="incident",
        occurred_at=timezone.now() - timedelta(hours=3),
        narrative="MK-NARRATIVE shoving at the table",
        categories=["violence"],
        severity="high",
        location="MK-LOCATION",
        community_agreement="MK-AGREEMENT",
        parties=[
            {"role": PartyRole.HARMED_PERSON, "participant": river},
            {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": sky},
            {"role": PartyRole.WITNESS, "participant": stone},
        ],
    )
    services.impose_ban(
        actor=staff,
        case=case,
        participant=sky,
        reason="MK-BANREASON",
        days=7,
        supply_access_plan="offsite_bags",
        supply_access_details="MK-SKYMEALS with the case manager",
    )
    services.acknowledge_case(actor=staff, case=case)
    services.start_investigation(actor=lead, case=case, investigator=users["a_staff2"])
    parties = {p.role: p for p in CaseParty.objects.filter(case=case)}
    services.add_statement(
        actor=staff,
        case=case,
        content="MK-STATEMENT of the person who did harm",
        party=parties[PartyRole.PERSON_WHO_DID_HARM],
    )
    services.record_contributing_factors(
        actor=staff, case=case, factors=["crowding"], context_notes="MK-CONTEXT"
    )
    hearing = services.schedule_hearing(
        actor=staff,
        case=case,
        scheduled_for=timezone.now() - timedelta(hours=1),
        location="MK-HEARINGPLACE",
        facilitator=users["a_staff2"],
    )
    services.record_hearing_outcome(
        actor=staff, hearing=hearing, harmed_person_heard=True, outcome_notes="MK-HEARINGNOTES"
    )
    due = timezone.localdate() + timedelta(days=10)
    services.decide_case(
        actor=lead,
        case=case,
        reasons="MK-DECISIONREASONS",
        summary="MK-PLANSUMMARY",
        community_impact="MK-COMMUNITY",
        actions=[
            {
                "kind": ActionKind.TEMPORARY_BAN,
                "owner": staff,
                "due_date": due,
                "for_party": parties[PartyRole.PERSON_WHO_DID_HARM],
                "ban": {
                    "days": 3,
                    "supply_access_plan": "outreach",
                    "supply_access_details": "MK-OUTREACH van on Tuesdays",
                },
            },
            {
                "kind": ActionKind.RESTORATIVE_LABOR,
                "owner": staff,
                "due_date": due,
                "description": "MK-SKYLABOR",
                "for_party": parties[PartyRole.PERSON_WHO_DID_HARM],
            },
            {
                "kind": ActionKind.SUPPORT_FOR_HARMED_PERSON,
                "owner": staff,
                "due_date": due,
                "description": "A weekly check-in with a peer worker",
                "for_party": parties[PartyRole.HARMED_PERSON],
            },
        ],
    )
    appeal = services.file_appeal(
        actor=staff,
        case=case,
        party=parties[PartyRole.PERSON_WHO_DID_HARM],
        grounds="MK-GROUNDS",
    )
    services.decide_appeal(
        actor=admin,
        appeal=appeal,
        outcome="upheld",
        reasons="MK-INTERNALNOTES about meals and the case manager",
        reasons_for_parties="The decision was fair to everyone and stays.",
    )
    return case, parties


def test_a_printed_notice_carries_only_its_own_party(site, marked_case):
    case, parties = marked_case
    harmed = parties[PartyRole.HARMED_PERSON]
    # The case page itself is full of markers: the test would catch a leak.
    assert MARK in site("a_staff").get(f"/cases/{case.pk}/").text
    assert CaseEvent.objects.filter(case=case).count() > 10
    notices = Notice.objects.filter(party=harmed).order_by("id")
    assert [n.kind for n in notices] == [
        NoticeKind.PROCESS,
        NoticeKind.DECISION,
        NoticeKind.APPEAL_OUTCOME,
    ]
    staff = site("a_staff")
    for notice in notices:
        page = staff.get(f"/cases/{case.pk}/notices/{notice.pk}/print/")
        assert page.status_code == 200
        assert notice.text in page.content.decode() or notice.text.split("\n")[0] in page.text
        assert MARK not in page.text, re.findall(r"MK-\w+", page.text)
        assert "R-1 (River)" in page.text


def test_the_case_page_links_each_notice_to_its_own_print_page(site, marked_case):
    case, parties = marked_case
    notice = Notice.objects.filter(party=parties[PartyRole.WITNESS]).first()
    page = site("a_staff").get(f"/cases/{case.pk}/")
    assert f"/cases/{case.pk}/notices/{notice.pk}/print/" in page.text
    assert "?notice=" not in page.text


def test_a_notice_of_another_case_is_not_found(site, marked_case, make_case):
    case, parties = marked_case
    other = make_case()
    notice = Notice.objects.filter(party=parties[PartyRole.HARMED_PERSON]).first()
    assert site("a_staff").get(f"/cases/{other.pk}/notices/{notice.pk}/print/").status_code == 404


def _text(parties, role, kind):
    return Notice.objects.get(party=parties[role], kind=kind).text


def test_no_notice_carries_another_persons_details(marked_case):
    case, parties = marked_case
    for notice in Notice.objects.filter(case=case).exclude(
        party=parties[PartyRole.PERSON_WHO_DID_HARM]
    ):
        assert MARK not in notice.text, (notice.party.role, notice.kind, notice.text)
    # The person who did harm reads their own ban and supplies, never the internal notes.
    for notice in Notice.objects.filter(party=parties[PartyRole.PERSON_WHO_DID_HARM]):
        for secret in ("MK-INTERNAL", "MK-DECISIONREASONS", "MK-NARRATIVE", "MK-WITNESS"):
            assert secret not in notice.text


def test_the_decision_notice_says_what_was_decided_for_each_party(marked_case):
    case, parties = marked_case
    decision = case.decision
    deadline = timezone.localtime(decision.appeal_deadline)
    did_harm = _text(parties, PartyRole.PERSON_WHO_DID_HARM, NoticeKind.DECISION)
    ban = case.bans.get(ended_early_at__isnull=True, imposed_at__gte=decision.decided_at)
    assert f"until {timezone.localtime(ban.ends_at):%-d %B %Y, %H:%M}" in did_harm
    assert "Outreach brings supplies: MK-OUTREACH van on Tuesdays" in did_harm
    assert "Restorative labor: MK-SKYLABOR (by" in did_harm
    assert f"appeal until {deadline:%-d %B %Y, %H:%M}" in did_harm
    assert "in person" in did_harm and "your own page" in did_harm

    harmed = _text(parties, PartyRole.HARMED_PERSON, NoticeKind.DECISION)
    assert "Support for the harmed person: A weekly check-in with a peer worker (by" in harmed
    assert "appeal until" in harmed

    witness = _text(parties, PartyRole.WITNESS, NoticeKind.DECISION)
    assert "appeal" not in witness.lower()
    assert "Nothing is asked of you" in witness


def test_the_process_notice_gives_rights_outcomes_and_dates(marked_case):
    case, parties = marked_case
    harmed = _text(parties, PartyRole.HARMED_PERSON, NoticeKind.PROCESS)
    for words in (
        "What happens next",
        "Possible outcomes",
        "representative or a support person",
        "You do not have to take part.",
        "You can say no at any time, even after saying yes.",
        "Your responsibilities",
        f"by {timezone.localtime(case.response_due_at):%-d %B %Y}",
        "appeal the decision within 14 days",
    ):
        assert words in harmed, words
    witness = _text(parties, PartyRole.WITNESS, NoticeKind.PROCESS)
    assert "witness" in witness and "appeal" not in witness.lower()
    assert "Possible outcomes" not in witness


def test_the_appeal_outcome_gives_the_parties_reasons_and_never_the_notes(marked_case):
    case, parties = marked_case
    did_harm = _text(parties, PartyRole.PERSON_WHO_DID_HARM, NoticeKind.APPEAL_OUTCOME)
    assert "upheld" in did_harm and "The decision stays as it was." in did_harm
    assert "The decision was fair to everyone and stays." in did_harm
    witness = _text(parties, PartyRole.WITNESS, NoticeKind.APPEAL_OUTCOME)
    assert "meals" not in witness and "fair to everyone" not in witness
    assert "Nothing changes for you." in witness


def test_no_notice_has_doubled_full_stops(marked_case):
    case, _parties = marked_case
    for notice in Notice.objects.filter(case=case):
        assert ".." not in notice.text and "p.m." not in notice.text, notice.text


def test_a_witness_cannot_appeal(make_case, users, advance):
    case = make_case()
    witness_person = Participant.objects.create(code="W-1")
    witness = services.add_party(
        actor=users["a_staff"], case=case, role=PartyRole.WITNESS, participant=witness_person
    )
    case = advance(case, "decided")
    with pytest.raises(WorkflowError) as err:
        services.file_appeal(actor=users["a_staff"], case=case, party=witness, grounds="No")
    assert err.value.field == "party" and "witness cannot appeal" in err.value.message


def test_the_appeal_form_offers_only_who_may_appeal(site, make_case, users, advance):
    case = make_case()
    services.add_party(
        actor=users["a_staff"],
        case=case,
        role=PartyRole.WITNESS,
        participant=Participant.objects.create(code="W-2", alias="Wit"),
    )
    advance(case, "decided")
    page = site("a_staff").get(f"/cases/{case.pk}/").text
    appeal_form = page[page.index('id="form-file_appeal"') :][:3000]
    assert "Person who did harm" in appeal_form and "W-2" not in appeal_form


def test_who_may_appeal_follows_the_policy(make_case, users, advance, people):
    from tenants.policy import change_policy

    change_policy(actor=users["a_admin"], appellant_roles=["person_who_did_harm"])
    case = advance(make_case(), "decided")
    harmed = case.parties.get(role=PartyRole.HARMED_PERSON)
    with pytest.raises(WorkflowError):
        services.file_appeal(actor=users["a_staff"], case=case, party=harmed, grounds="No")
    text = Notice.objects.get(party=harmed, kind=NoticeKind.DECISION).text
    assert "appeal" not in text.lower()


def test_staff_give_a_party_a_code_and_the_printed_notice_carries_the_card(site, marked_case):
    case, parties = marked_case
    staff = site("a_staff")
    harmed = parties[PartyRole.HARMED_PERSON]
    response = staff.post(
        f"/cases/{case.pk}/steps/give_party_code/", {"give_party_code-party": harmed.pk}
    )
    assert response.status_code == 302, response.text
    harmed.refresh_from_db()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", harmed.access_code)
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "give_party_code" and harmed.access_code not in str(event.after)
    notice = Notice.objects.filter(party=harmed).first()
    page = staff.get(f"/cases/{case.pk}/notices/{notice.pk}/print/").text
    assert harmed.access_code in page and "/complaints/status/" in page
    assert MARK not in page


def test_staff_cannot_record_a_notice_as_read_on_the_partys_own_page(make_case, users, site):
    from workflow.errors import WorkflowError as Refused

    case = make_case()
    services.acknowledge_case(actor=users["a_staff"], case=case)
    notice = Notice.objects.filter(case=case).first()
    with pytest.raises(Refused):
        services.record_notice_delivery(actor=users["a_staff"], notice=notice, method="own_page")
    page = site("a_staff").get(f"/cases/{case.pk}/").text
    assert 'value="own_page"' not in page


def _appealed_with_ban(make_case, users, people, advance):
    case = advance(make_case(), "investigating")
    sky = case.parties.get(role=PartyRole.PERSON_WHO_DID_HARM)
    due = timezone.localdate() + timedelta(days=5)
    services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="r",
        harmed_person_heard=True,
        actions=[
            {
                "kind": ActionKind.TEMPORARY_BAN,
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
                "ban": {
                    "days": 5,
                    "supply_access_plan": "offsite_bags",
                    "supply_access_details": "Bags at the side door",
                },
            },
            {
                "kind": ActionKind.RESTORATIVE_LABOR,
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
            },
        ],
    )
    appeal = services.file_appeal(actor=users["a_staff"], case=case, party=sky, grounds="Long")
    return case, sky, appeal


def test_an_overturned_appeal_tells_the_person_their_break_has_ended(
    make_case, users, people, advance
):
    case, sky, appeal = _appealed_with_ban(make_case, users, people, advance)
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="overturned",
        reasons="notes",
        reasons_for_parties="The facts were not clear enough.",
    )
    text = Notice.objects.get(party=sky, kind=NoticeKind.APPEAL_OUTCOME).text
    assert "overturned" in text and "any break from the space it set has ended" in text
    assert "take a break" not in text and "Restorative labor" not in text


def test_a_modified_appeal_tells_the_person_what_is_asked_now(make_case, users, people, advance):
    case, sky, appeal = _appealed_with_ban(make_case, users, people, advance)
    due = timezone.localdate() + timedelta(days=3)
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="modified",
        reasons="notes",
        reasons_for_parties="A shorter break is enough.",
        actions=[
            {
                "kind": ActionKind.TEMPORARY_BAN,
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
                "ban": {
                    "days": 1,
                    "supply_access_plan": "outreach",
                    "supply_access_details": "The van on Tuesday",
                },
            },
            {
                "kind": ActionKind.ACCOUNTABILITY_BUDDY,
                "owner": users["a_staff"],
                "due_date": due,
                "for_party": sky,
            },
        ],
    )
    text = Notice.objects.get(party=sky, kind=NoticeKind.APPEAL_OUTCOME).text
    new_ban = case.bans.filter(ended_early_at__isnull=True).order_by("-imposed_at").first()
    assert "modified" in text and "A shorter break is enough." in text
    assert f"until {timezone.localtime(new_ban.ends_at):%-d %B %Y, %H:%M}" in text
    assert "Outreach brings supplies: The van on Tuesday" in text
    assert "Accountability buddy" in text and "Restorative labor" not in text
    harmed = Notice.objects.get(
        party__role=PartyRole.HARMED_PERSON, case=case, kind=NoticeKind.APPEAL_OUTCOME
    ).text
    assert "The van" not in harmed and "Accountability buddy" not in harmed


def test_a_support_person_hears_the_outcome_but_not_the_reasons(make_case, users, people, advance):
    case, sky, appeal = _appealed_with_ban(make_case, users, people, advance)
    supporter = services.add_party(
        actor=users["a_staff"],
        case=case,
        role=PartyRole.SUPPORT_PERSON,
        participant=people["wren"],
    )
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="upheld",
        reasons="notes",
        reasons_for_parties="Sky's break stays; the bags are at the side door.",
    )
    text = Notice.objects.get(party=supporter, kind=NoticeKind.APPEAL_OUTCOME).text
    assert "upheld" in text and "Nothing changes for you." in text
    assert "Sky" not in text and "bags" not in text
