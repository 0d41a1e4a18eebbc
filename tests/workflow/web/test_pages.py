"""The staff pages besides the step-by-step run: Today, recording an incident, participants,
errors shown next to fields with input kept, permissions by role, and one program never
reaching another's cases."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.models import Participant
from tests.factories import CaseFactory, CasePartyFactory
from tests.workflow.web.test_case_steps import plan_rows
from workflow import services
from workflow.models import Ban, Case, LowLevelResponse


def test_today_lists_cases_by_due_date_with_marks(site, make_case, users, people):
    now = timezone.now()
    overdue = make_case(reported_at=now - timedelta(days=3), occurred_at=now - timedelta(days=3))
    soon = make_case(
        reported_at=now - timedelta(days=1, hours=12), occurred_at=now - timedelta(days=2)
    )
    later = make_case(narrative="Shouting match by the door.")
    page = site("a_staff").get("/").text
    positions = [page.index(f"Case {c.pk} ·") for c in (overdue, soon, later)]
    assert positions == sorted(positions)
    for mark in ("Overdue", "Due soon", "On time"):
        assert f">{mark}</span>" in page
    assert "My cases" in page and "Shouting match by the door." in page


def test_today_shows_bans_ending_soon_follow_ups_and_actions_due(
    site, make_case, advance, users, people
):
    case = make_case()
    services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="Pushing",
        supply_access_plan="offsite_bags",
        supply_access_details="Bags at the church",
        days=2,
    )
    case = advance(case, "decided")
    follow_up = case.follow_ups.order_by("due_at").first()
    follow_up.__class__.objects.filter(pk=follow_up.pk).update(due_at=timezone.now())
    page = site("a_staff").get("/").text
    assert "T-sky (Sky)" in page and "Bags of supplies offsite" in page
    assert "Follow-up and reflection" in page


def test_today_query_count_does_not_grow_with_cases(site, make_case, users):
    client = site("a_staff")
    make_case()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    few = count()
    for case in CaseFactory.create_batch(30, reported_by=users["a_staff"]):
        CasePartyFactory(case=case)
    assert count() == few


def test_case_page_query_count_does_not_grow_with_what_the_case_holds(
    site, make_case, users, people
):
    """load_case's promise: one query per kind of thing on the page, however many parties,
    notices, statements and actions the case has. Two decided cases, one with 2 parties and
    one with 6 (each with a notice, a statement and an action), take the same queries."""
    from workflow.models import PartyRole

    def decided_case(witnesses):
        others = [
            {"role": PartyRole.WITNESS, "participant": Participant.objects.create(code=f"W-{n}")}
            for n in range(witnesses)
        ]
        case = make_case(
            parties=[
                {"role": PartyRole.HARMED_PERSON, "participant": people["river"]},
                {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": people["sky"]},
                *others,
            ]
        )
        services.acknowledge_case(actor=users["a_staff"], case=case)
        services.start_investigation(
            actor=users["a_lead"], case=case, investigator=users["a_staff2"]
        )
        parties = list(case.parties.order_by("pk"))
        for party in parties:
            services.add_statement(
                actor=users["a_staff"], case=case, party=party, content="What I saw."
            )
        due = timezone.localdate() + timedelta(days=5)
        services.decide_case(
            actor=users["a_lead"],
            case=case,
            reasons="Everyone was heard.",
            harmed_person_heard=True,
            actions=[
                {
                    "kind": "restorative_labor",
                    "owner": users["a_staff"],
                    "due_date": due,
                    "for_party": party,
                    "description": "Help set up the supply table",
                }
                for party in parties
            ],
        )
        return case

    few, many = decided_case(0), decided_case(4)
    assert (few.parties.count(), many.parties.count()) == (2, 6)
    client = site("a_lead")

    def queries(case):
        with CaptureQueriesContext(connection) as seen:
            page = client.get(f"/cases/{case.pk}/")
        assert page.status_code == 200 and "Help set up the supply table" in page.text
        return [q["sql"] for q in seen]

    queries(few)  # the first page of the session warms what is read once (the session, caches)
    assert len(queries(many)) == len(queries(few))


def incident(**changes):
    data = {
        "narrative": "Threw a chair near the kitchen.",
        "who": "T-sky",
        "categories": ["threat"],
        "severity": "high",
        "immediate": "ban",
        "supply_access_plan": "outreach",
        "supply_access_details": "Outreach at the park, 4 pm",
    }
    data.update(changes)
    return data


def test_record_incident_with_a_ban_uses_the_policy_length(site, people):
    response = site("a_staff").post("/incidents/new/", incident())
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    ban = Ban.objects.get(case=case)
    assert ban.participant == people["sky"]
    assert ban.ends_at - ban.starts_at == timedelta(days=7)  # "high" in the default policy
    assert case.parties.get().role == "person_who_did_harm"


def test_record_incident_by_alias_with_a_new_person_and_end_date(site, people):
    client = site("a_staff")
    back = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post("/incidents/new/", incident(who="Sky", ends_on=back))
    assert response.status_code == 302
    response = client.post(
        "/incidents/new/",
        incident(who="NEW-9", add_new="on", new_alias="Newcomer", immediate="nothing"),
    )
    assert response.status_code == 302
    assert Participant.objects.get(code="NEW-9").alias == "Newcomer"


def test_police_or_ambulance_on_the_incident_form(site, people):
    client = site("a_staff")
    form = client.get("/incidents/new/").text
    assert "Police were called" in form and "An ambulance (EMS) was called" in form
    response = client.post("/incidents/new/", incident(police_called="on"))
    assert response.status_code == 400
    assert "Say why police or EMS were called" in field_error(
        response.text, "emergency_services_reason"
    )
    assert not Case.objects.exists()
    response = client.post(
        "/incidents/new/",
        incident(ems_called="on", emergency_services_reason="Staff called: he was not breathing"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.ems_called and not case.police_called
    assert case.emergency_services_reason == "Staff called: he was not breathing"


def test_asked_to_leave_opens_no_case(site, people):
    response = site("a_staff").post(
        "/incidents/new/",
        {"narrative": "Loud and upset at closing.", "who": "T-river", "immediate": "leave"},
    )
    assert response.status_code == 302 and response.url == "/"
    assert not Case.objects.exists()
    record = LowLevelResponse.objects.get()
    assert record.participant == people["river"]
    assert record.welcome_back_on == timezone.localdate() + timedelta(days=1)


def field_error(html, field):
    """The error message shown right under a field of the form (by the field's id)."""
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</(?:p|div)>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def test_incident_errors_show_next_to_fields_and_keep_input(site, people):
    client = site("a_staff")
    response = client.post(
        "/incidents/new/", incident(who="NOBODY", supply_access_details="", categories=[])
    )
    assert response.status_code == 400
    html = response.text
    assert "No participant has this code or alias" in field_error(html, "who")
    assert "supplies" in field_error(html, "supply_access_details")
    assert "kind of harm" in html and "Threw a chair near the kitchen.</textarea>" in html
    assert 'value="NOBODY"' in html
    assert not Case.objects.exists()

    # A ban longer than the policy allows: the service's message, on the days field.
    response = client.post("/incidents/new/", incident(days="90"))
    assert response.status_code == 400
    assert "30" in field_error(response.text, "days")
    assert not Case.objects.exists() and not Ban.objects.exists()  # nothing half-saved


def test_low_severity_ban_needs_days(site, people):
    response = site("a_staff").post("/incidents/new/", incident(severity="low"))
    assert response.status_code == 400
    assert "how many days" in field_error(response.text, "days")
    assert not Case.objects.exists()


def test_step_error_shows_next_to_the_field_with_input_kept(site, make_case, users, people):
    case = make_case()
    river = case.parties.get(participant=people["river"])
    services.add_party(
        actor=users["a_staff"], case=case, role="witness", staff_user=users["a_staff2"]
    )
    # a_staff2 is a witness already: the step refuses, beside the role. (A party is not offered
    # as investigator at all: tests/workflow/web/test_party_pickers.py.)
    response = site("a_lead").post(
        f"/cases/{case.pk}/steps/add_party/",
        {"add_party-role": "witness", "add_party-staff_user": users["a_staff2"].pk},
    )
    assert response.status_code == 400
    assert "already has this role" in field_error(response.text, "add_party-role")
    assert f'value="{users["a_staff2"].pk}" selected' in response.text
    assert case.parties.count() == 3
    assert river  # parties kept


def test_steps_not_allowed_for_the_role_are_refused_and_explained(site, make_case, advance, users):
    case = advance(make_case(), "hearing")
    staff = site("a_staff")
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Record decision" not in page
    # A complete, valid decision: refused for the role, not for the form.
    data = {"decide_case-reasons": "Both were heard.", "decide_case-harmed_person_heard": "yes"}
    data.update(
        plan_rows(
            "decide_case",
            [
                {
                    "kind": "restorative_labor",
                    "owner": users["a_staff"].pk,
                    "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
                    "description": "Help set up the supply table",
                }
            ],
        )
    )
    response = staff.post(f"/cases/{case.pk}/steps/decide_case/", data)
    assert response.status_code == 403
    # In the page's words: the step's button and the roles' names, not their codes.
    assert "Your role does not allow this step (“Record decision”)" in response.text
    assert re.search(r"one of these roles: (Program \w+(, )?)+\.", response.text)
    assert Case.objects.get(pk=case.pk).state == "hearing"
    # Withdrawing is for leads and admins.
    response = staff.post(f"/cases/{case.pk}/steps/withdraw_case/", {"withdraw_case-reason": "x"})
    assert response.status_code == 403
    assert "does not allow" in response.text
    lead = site("a_lead")
    assert "Record decision" in lead.get(f"/cases/{case.pk}/").text
    response = lead.post(
        f"/cases/{case.pk}/steps/withdraw_case/", {"withdraw_case-reason": "Complainant withdrew"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "withdrawn"


def test_unknown_step_or_item_of_another_case_is_404(site, make_case, advance, users):
    one, two = make_case(), advance(make_case(), "investigating")
    hearing = services.schedule_hearing(
        actor=users["a_staff"],
        case=two,
        scheduled_for=timezone.now() + timedelta(days=1),
        facilitator=users["a_staff2"],
    )
    notice = two.notices.first()
    client = site("a_staff")
    assert client.post(f"/cases/{one.pk}/steps/no_such_step/").status_code == 404
    url = f"/cases/{one.pk}/steps/cancel_hearing/{hearing.pk}/"
    assert client.post(url, {}).status_code == 404
    # A step without a form of its own on the page (a notice is marked delivered with the
    # notices form) has no address there either.
    url = f"/cases/{two.pk}/steps/record_notice_delivery/{notice.pk}/"
    assert client.post(url, {"record_notice_delivery-method": "read_aloud"}).status_code == 404
    assert client.get(f"/cases/{one.pk}/steps/acknowledge_case/").status_code == 405


def test_other_programs_never_see_these_cases(site, make_case, client_for, users, program_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = advance_to_investigation(make_case(), users)
    evidence = services.attach_evidence(
        actor=users["a_staff"], case=case, uploaded_file=SimpleUploadedFile("a.txt", b"secret")
    )
    pages = [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/timeline/",
        f"/cases/{case.pk}/record/",
        f"/cases/{case.pk}/evidence/{evidence.pk}/",
        f"/participants/{case.parties.first().participant_id}/",
    ]
    # A member of program B on program A's site: 404 for everything.
    b_on_a = site("b_staff")
    for url in pages:
        assert b_on_a.get(url).status_code == 404, url
    assert b_on_a.get("/").status_code == 404
    # On B's own site, A's ids simply do not exist.
    b_site = site("b_staff", program=program_b)
    for url in pages:
        assert b_site.get(url).status_code == 404, url
    # A's own staff can read them all.
    a_site = site("a_staff")
    for url in pages:
        assert a_site.get(url).status_code == 200, url


def test_the_case_page_refuses_what_the_service_refuses_in_the_same_words(
    site, make_case, advance, users
):
    """The limits live in the services; the forms show the service's message next to the field.
    Text boxes have no `maxlength` (a browser cuts a paste at it without a word): a statement
    too long comes back whole, with the message."""
    case = advance(make_case(), "hearing")
    lead = site("a_lead")
    page = lead.get(f"/cases/{case.pk}/").text
    boxes = re.findall(r"<textarea[^>]*>", page)
    assert boxes and not [box for box in boxes if "maxlength" in box]
    assert 'min="0.01"' in page
    response = lead.post(
        f"/cases/{case.pk}/steps/add_statement/", {"add_statement-content": "s" * 12_345}
    )
    assert response.status_code == 400
    assert "Keep the statement to 10,000 characters at most (it has 12,345)." in response.text
    assert "s" * 12_345 in response.text
    assert not case.statements.exists()
    data = {"decide_case-reasons": "Both were heard.", "decide_case-harmed_person_heard": "yes"}
    row = {
        "kind": "restitution",
        "owner": users["a_staff"].pk,
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "restitution_amount": "0",
    }
    data.update(plan_rows("decide_case", [row]))
    response = lead.post(f"/cases/{case.pk}/steps/decide_case/", data)
    assert response.status_code == 400
    assert "Give an amount above 0, or leave the amount empty" in response.text
    assert Case.objects.get(pk=case.pk).state == "hearing"


def advance_to_investigation(case, users):
    services.acknowledge_case(actor=users["a_staff"], case=case)
    services.start_investigation(actor=users["a_lead"], case=case, investigator=users["a_admin"])
    return case


def test_participants_search_detail_and_suggestions(site, make_case, users, people):
    case = make_case()
    services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="Pushing",
        supply_access_plan="another_site",
        supply_access_details="The Eastside site keeps kits for them",
        days=3,
    )
    client = site("a_staff")
    page = client.get("/participants/", {"q": "sky"}).text
    assert "T-sky" in page and "T-river" not in page
    assert client.get("/participants/", {"q": "River"}).text.count("T-river") == 1
    detail = client.get(f"/participants/{people['sky'].pk}/").text
    assert "The Eastside site keeps kits for them" in detail and f"Case {case.pk}" in detail
    assert "Welcome back" in detail
    suggestions = client.get("/participants/suggest/", {"q": "st"}).json()["results"]
    assert [s["code"] for s in suggestions] == ["T-stone"]
    # Adding a participant: a taken code is refused next to the field, input kept.
    response = client.post("/participants/", {"new-code": "t-sky", "new-alias": "Again"})
    assert response.status_code == 400
    assert "already used" in field_error(response.text, "new-code")
    assert 'value="Again"' in response.text
    response = client.post("/participants/", {"new-code": "T-new", "new-alias": "New"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "key, may_withdraw", [("a_staff", False), ("a_lead", True), ("a_admin", True)]
)
def test_nav_and_pages_for_every_role(site, users, key, may_withdraw):
    case = CaseFactory(reported_by=users["a_staff"])
    client = site(key)
    for url in ("/", "/incidents/new/", "/cases/", f"/cases/{case.pk}/", "/participants/"):
        response = client.get(url)
        assert response.status_code == 200, url
        for link in ("Today", "Record incident", "Cases", "Participants"):
            assert f">{link}</a>" in response.text
    assert ("Withdraw the case" in client.get(f"/cases/{case.pk}/").text) is may_withdraw


def test_staff_set_the_name_colleagues_see_in_pick_lists(site, make_case, users):
    case = make_case()
    staff2 = site("a_staff2")
    page = staff2.get("/accounts/name/")
    assert page.status_code == 200 and "Name you go by" in page.text
    refused = staff2.post("/accounts/name/", {"first_name": " ", "last_name": "Rivera"})
    assert refused.status_code == 400 and 'value="Rivera"' in refused.text
    assert staff2.post("/accounts/name/", {"first_name": "Sam", "last_name": "Rivera"}).status_code
    lead_view = site("a_lead").get(f"/cases/{case.pk}/").text
    assert ">Sam Rivera</option>" in lead_view  # the pick-lists name people, not addresses
    assert f">{users['a_staff2'].email}</option>" not in lead_view


def test_a_new_programs_admin_gets_a_first_run_list_that_ticks_itself(site, make_case, users):
    admin = site("a_admin")
    today = admin.get("/").text
    assert "Getting started" in today
    assert '<a href="/how-complaints-work/poster/">Print the poster' in today
    assert "✓ Invite your staff" in today  # program A already has its staff
    assert "Getting started" not in site("a_staff").get("/").text  # for admins only
    admin.get("/how-complaints-work/poster/")
    assert "✓ Print the poster" in admin.get("/").text
    make_case()
    assert "✓ Record a test incident" in admin.get("/").text
    from tenants.policy import change_policy, current_policy

    change_policy(
        actor=users["a_admin"], response_window_days=current_policy().response_window_days
    )
    assert "Getting started" not in admin.get("/").text  # all done: the list goes away
