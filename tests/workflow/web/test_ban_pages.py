"""Ban pages as staff use them: one welcome-back date per person (Today, participant page),
the choice when someone is already banned, the supply log and its gap, the door list and the
letter for the banned person (issue 14)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.models import Participant
from tests.factories import CaseFactory, ParticipantFactory
from workflow import services
from workflow.errors import NeedsChoice
from workflow.models import Ban, PartyRole, SupplyContact

SUPPLIES = {
    "supply_access_plan": "offsite_bags",
    "supply_access_details": "Bag at the side door, 9 to 11 each morning.",
}


def step_url(case, step, item=None):
    return f"/cases/{case.pk}/steps/{step}/" + (f"{item}/" if item else "")


def welcome_back_dates(html):
    return re.findall(r"Welcome back\s*(?:<[^>]+>)?\s*([A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2})", html)


def ban(case, users, person, days, **kwargs):
    return services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=person,
        reason="Shoving",
        days=days,
        **{**SUPPLIES, **kwargs},
    )


def chain_case(make_case, users, people, advance):
    """The issue's sequence: immediate 7-day ban, decision 5 days, appeal modified to 3."""
    case = make_case()
    ban(case, users, people["sky"], 7)
    case = advance(case, "hearing")
    sky = case.parties.get(role=PartyRole.PERSON_WHO_DID_HARM)
    action = {
        "kind": "temporary_ban",
        "owner": users["a_staff"],
        "due_date": timezone.localdate() + timedelta(days=10),
        "for_party": sky,
    }
    services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="Heard both.",
        actions=[{**action, "ban": {"days": 5, **SUPPLIES}}],
    )
    appeal = services.file_appeal(actor=users["a_staff"], case=case, party=sky, grounds="Long")
    services.decide_appeal(
        actor=users["a_admin"],
        appeal=appeal,
        outcome="modified",
        reasons="Three days.",
        actions=[{**action, "ban": {"days": 3, **SUPPLIES}}],
        reasons_for_parties="The decision was looked at again.",
    )
    return case


def test_after_decision_appeal_and_close_the_person_has_the_reviewers_date_only(
    site, make_case, users, people, advance
):
    case = chain_case(make_case, users, people, advance)
    lead = site("a_lead")
    for follow_up in case.follow_ups.all():
        services.waive_follow_up(actor=users["a_lead"], follow_up=follow_up, reason="Moved")
    page = lead.get(f"/cases/{case.pk}/").text
    assert "ban still runs until" in page and "Close anyway" in page
    answer = lead.post(step_url(case, "close_case"))
    assert answer.status_code == 409
    answer = lead.post(step_url(case, "close_case"), {"close_case-confirm_running_bans": "on"})
    assert answer.status_code == 302

    reviewers = Ban.objects.running().get(participant=people["sky"])
    expected = timezone.localtime(reviewers.ends_at).strftime("%a %-d %b")
    detail = lead.get(f"/participants/{people['sky'].pk}/").text
    assert welcome_back_dates(detail) == [expected]
    today = lead.get("/").text
    assert welcome_back_dates(today) == [expected]
    case_page = lead.get(f"/cases/{case.pk}/").text
    assert "This case is closed. Its ban still runs to its end" in case_page
    assert "nothing more can be done" not in case_page
    assert case_page.count(">replaced<") == 2 and case_page.count(">in effect<") == 1
    assert "Replaced on appeal" in case_page and "Replaced by the decision" in case_page
    timeline = lead.get(f"/cases/{case.pk}/timeline/").text
    assert "Bans replaced" in timeline and "Bans still running" in timeline
    assert f"until {expected}" in timeline  # the running ban named by its end


def test_a_ban_on_someone_banned_elsewhere_shows_that_ban_and_asks(site, make_case, users, people):
    first, second = make_case(), make_case()
    ban(first, users, people["sky"], 4)
    staff = site("a_staff")
    page = staff.get(f"/cases/{second.pk}/").text
    assert "T-sky (Sky) is already banned until" in page and f"(case {first.pk})" in page
    sky_party = second.parties.get(participant=people["sky"])
    data = {
        "impose_ban-participant": sky_party.pk,
        "impose_ban-days": "9",
        "impose_ban-reason": "Again",
        "impose_ban-supply_access_plan": "outreach",
        "impose_ban-supply_access_details": "Van on Fridays",
    }
    answer = staff.post(step_url(second, "impose_ban"), data)
    assert answer.status_code == 409 and "Choose: keep that welcome-back date" in answer.text
    assert not second.bans.exists()
    answer = staff.post(step_url(second, "impose_ban"), {**data, "impose_ban-other_bans": "set"})
    assert answer.status_code == 302
    detail = staff.get(f"/participants/{people['sky'].pk}/").text
    assert len(welcome_back_dates(detail)) == 1
    assert f"case {first.pk}" in detail and f"case {second.pk}" in detail


def test_days_and_a_date_together_get_an_error_asking_for_one(site, make_case, people):
    case = make_case()
    staff = site("a_staff")
    answer = staff.post(
        step_url(case, "impose_ban"),
        {
            "impose_ban-participant": case.parties.get(participant=people["sky"]).pk,
            "impose_ban-days": "5",
            "impose_ban-ends_on": (timezone.localdate() + timedelta(days=19)).isoformat(),
            "impose_ban-reason": "x",
            "impose_ban-supply_access_plan": "outreach",
            "impose_ban-supply_access_details": "Van",
        },
    )
    assert answer.status_code == 400 and "not both" in answer.text
    assert not case.bans.exists()


def test_the_supply_log_and_its_gap_on_the_case_today_and_participant_pages(
    site, make_case, users, people
):
    case = make_case()
    running = ban(case, users, people["sky"], 10, starts_at=timezone.now() - timedelta(days=5))
    staff = site("a_staff")
    for page in (staff.get("/").text, staff.get(f"/participants/{people['sky'].pk}/").text):
        assert "No supplies recorded for 5 days" in page
    answer = staff.post(
        step_url(case, "log_supply_contact", running.pk),
        {
            f"log_supply_contact-{running.pk}-reached_on": timezone.localdate().isoformat(),
            f"log_supply_contact-{running.pk}-method": "mail_delivery",
            f"log_supply_contact-{running.pk}-note": "Posted to the shelter",
        },
    )
    assert answer.status_code == 302
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Mail or delivery" in page and "Posted to the shelter" in page
    due = timezone.localdate() + timedelta(days=3)  # the policy's default: every 3 days
    assert f"Next supplies due by {due:%a} {due.day} {due:%b}" in page
    assert "No supplies recorded" not in staff.get("/").text


def test_the_door_list_names_everyone_away_today_by_code_with_supplies(
    site, make_case, users, people
):
    case = make_case(narrative="NARRATIVE-MARKER pushed at the table")
    ban(case, users, people["sky"], 3)
    later = make_case()
    ban(later, users, people["river"], 3, starts_at=timezone.now() + timedelta(days=2))
    page = site("a_staff").get("/door/").text
    assert "T-sky (Sky)" in page and SUPPLIES["supply_access_details"] in page
    assert "T-river" not in page  # not away today
    starts = timezone.localtime(timezone.now() + timedelta(days=2))
    today = site("a_staff").get("/").text  # Today lists both, the later one with its start
    assert "T-river" in today and f"Starts {starts:%a} {starts.day} {starts:%b}" in today
    assert "NARRATIVE-MARKER" not in page
    assert len(welcome_back_dates(page)) == 1


def test_the_letter_says_nothing_about_anyone_else(site, make_case, users, people, advance):
    marker = "OTHER-PARTY-MARKER"
    Participant.objects.filter(pk=people["river"].pk).update(alias=marker)
    case = make_case(narrative=f"{marker} in the narrative", location=f"{marker} room")
    case = advance(case, "investigating")
    services.add_statement(
        actor=users["a_staff"],
        case=case,
        party=case.parties.get(participant=people["river"]),
        content=f"{marker} statement",
    )
    sky_ban = ban(case, users, people["sky"], 4)
    ban(case, users, people["river"], 2, supply_access_details=f"{marker} supplies")
    letter = site("a_staff").get(f"/bans/{sky_ban.pk}/letter/").text
    assert marker not in letter and "T-river" not in letter
    assert "T-sky" in letter and SUPPLIES["supply_access_details"] in letter
    end = timezone.localtime(sky_ban.ends_at)
    assert f"{end:%A} {end.day} {end:%B %Y}" in letter
    assert "appeal" in letter


def test_an_incident_ban_on_someone_already_banned_asks_first(site, make_case, users, people):
    first = ban(make_case(), users, people["sky"], 10)
    staff = site("a_staff")
    data = {
        "narrative": "Threw a chair near the kitchen.",
        "who": "T-sky",
        "categories": ["threat"],
        "severity": "high",
        "immediate": "ban",
        "supply_access_plan": "outreach",
        "supply_access_details": "Outreach at the park, 4 pm",
    }
    answer = staff.post("/incidents/new/", data)
    assert answer.status_code == 409
    assert "already banned until" in answer.text and 'name="other_bans"' in answer.text
    assert Ban.objects.count() == 1  # nothing saved: not the case, not the ban
    answer = staff.post("/incidents/new/", {**data, "other_bans": "keep"})
    assert answer.status_code == 302
    new = Ban.objects.exclude(pk=first.pk).get()
    assert new.ends_at == first.ends_at  # one welcome-back date, the existing one


def test_the_choice_is_asked_only_when_someone_is_banned_elsewhere(site, make_case, users, people):
    case = make_case()
    staff = site("a_staff")
    assert 'name="impose_ban-other_bans"' not in staff.get(f"/cases/{case.pk}/").text
    ban(make_case(), users, people["sky"], 3)
    assert 'name="impose_ban-other_bans"' in staff.get(f"/cases/{case.pk}/").text


def test_today_and_the_door_list_cost_the_same_queries_for_one_or_many_away(site, make_case, users):
    client = site("a_staff")

    def away_people(n):
        for person in ParticipantFactory.create_batch(n):
            case = make_case(
                parties=[{"role": PartyRole.PERSON_WHO_DID_HARM, "participant": person}]
            )
            running = ban(case, users, person, 3)
            services.log_supply_contact(
                actor=users["a_staff"], ban=running, reached_on=timezone.localdate(), method="other"
            )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    away_people(1)
    few = {url: count(url) for url in ("/", "/door/")}
    away_people(8)
    assert {url: count(url) for url in ("/", "/door/")} == few


def test_today_at_many_bans_lists_the_soonest_back_at_the_same_query_cost(site, users):
    """Today shows 25 people away, chosen in the database: 10 or 200 running bans cost the
    same queries, and the 25 are the soonest welcome back counted across each person's cases
    (someone whose other ban runs for weeks is not among them)."""
    client, staff, now = site("a_staff"), users["a_staff"], timezone.now()

    def kept_away(person, hours, starts=now - timedelta(hours=1)):
        case = CaseFactory(reported_by=staff)
        running = Ban.objects.create(
            case=case,
            participant=person,
            starts_at=starts,
            ends_at=now + timedelta(hours=hours),
            max_days=30,
            reason="Shoving",
            imposed_by=staff,
            **SUPPLIES,
        )
        SupplyContact.objects.create(
            ban=running, reached_on=timezone.localdate(), method="other", given_by=staff
        )

    def away_people(hours):
        for h in hours:
            kept_away(ParticipantFactory(), h)

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/")
        assert page.status_code == 200
        return len(queries), page.text

    away_people(range(100, 110))
    few, first = count()
    assert "soonest back of" not in first  # all 10 are shown: nothing more to say
    away_people((37 * i) % 190 + 24 for i in range(190))  # ends in no order, from a day on
    longer = ParticipantFactory()
    kept_away(longer, 2)  # soonest of all on its own, but another case keeps them 3 weeks
    kept_away(longer, 24 * 21)
    later = ParticipantFactory()
    kept_away(later, 25, starts=now + timedelta(hours=3))  # not started yet: listed, marked
    many, page = count()
    assert many == few
    shown = re.findall(r'away-row">\s*<a class="row-main" href="/participants/(\d+)/"', page)
    expected = Ban.objects.order_by("ends_at", "participant__code").values_list(
        "participant_id", flat=True
    )
    expected = [pk for pk in expected if pk != longer.pk][:25]
    assert [int(pk) for pk in shown] == expected
    assert str(later.pk) in shown and "Starts" in page
    assert len(welcome_back_dates(page)) == 25
    # The page says it shows only some of them, and how many are away in all.
    total = Ban.objects.values("participant").distinct().count()
    assert total == 202
    assert f"These are the 25 soonest back of {total} people who are away." in page


def test_a_staff_party_sees_neither_the_letter_nor_the_ban_of_their_case(
    site, make_case, users, people
):
    """Journey 3: Sam (a_staff2) is a party to the case; its ban does not exist for Sam."""
    case = make_case()
    services.add_party(
        actor=users["a_lead"], case=case, role=PartyRole.WITNESS, staff_user=users["a_staff2"]
    )
    sky_ban = ban(case, users, people["sky"], 3)
    sam, staff = site("a_staff2"), site("a_staff")
    assert sam.get(f"/bans/{sky_ban.pk}/letter/").status_code == 404
    assert staff.get(f"/bans/{sky_ban.pk}/letter/").status_code == 200
    for url in ("/", "/door/", f"/participants/{people['sky'].pk}/"):
        assert "Welcome back" not in sam.get(url).text, url
        assert "Welcome back" in staff.get(url).text, url
    api = sam.get(f"/api/participants/{people['sky'].pk}/").json()
    assert api["away"] is None
    # Banning the same person in another case: Sam is told a ban runs, not which case.
    other = make_case()
    with pytest.raises(NeedsChoice) as asked:
        services.impose_ban(
            actor=users["a_staff2"],
            case=other,
            participant=people["sky"],
            reason="Again",
            days=2,
            **SUPPLIES,
        )
    assert "another case" in asked.value.message
    assert f"case {case.pk}" not in asked.value.message
    assert asked.value.details["running_bans"][0]["case"] is None
