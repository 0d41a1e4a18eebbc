"""The program API refuses what the rules refuse: every rule is answered with a 4xx that says
what to do (per field where there is one), and nothing is half-saved: bad input, ban and
appeal rules, the party rule, the wrong state or role, fields a request does not take, and
the text limits and restitution minimum the forms show."""

from datetime import timedelta

from django.utils import timezone

from tests.workflow.api_calls import SUPPLIES, party_id, post, report


def test_bad_input_gives_per_field_400_and_saves_nothing(api, participants):
    staff = api("a_staff")
    response = staff.post(
        "/api/cases/", {"kind": "incident", "categories": ["nope"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"occurred_at", "narrative", "severity", "categories"} <= set(response.json())
    response = staff.post(
        "/api/cases/",
        {
            "kind": "incident",
            "occurred_at": timezone.now().isoformat(),
            "narrative": "x",
            "categories": ["threat"],
            "severity": "low",
            "police_called": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "emergency_services_reason"
    assert staff.get("/api/cases/").json()["count"] == 0


def test_ban_rules_at_the_api(api, participants):
    staff = api("a_staff")
    case = report(staff, participants)
    url = f"/api/cases/{case['id']}/bans/"
    answer = staff.post(
        url,
        {"participant": participants["sky"], "reason": "x", "days": 45, **SUPPLIES},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "30" in answer.json()["days"][0]
    answer = staff.post(
        url,
        {
            "participant": participants["sky"],
            "reason": "x",
            "days": 3,
            "supply_access_plan": "offsite_bags",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400 and "supply_access_details" in answer.json()
    assert staff.get(f"/api/cases/{case['id']}/").json()["bans"] == []


def test_party_cannot_investigate_or_decide_at_the_api(api, participants, world):
    staff, lead = api("a_staff"), api("a_lead")
    case = report(
        staff,
        participants,
        parties=[
            {"role": "harmed_person", "participant": participants["river"]},
            {"role": "witness", "staff_user": world.users["a_staff2"].pk},
            {"role": "witness", "staff_user": world.users["a_lead"].pk},
        ],
    )
    base = f"/api/cases/{case['id']}"
    admin = api("a_admin")
    post(staff, f"{base}/acknowledge/")
    answer = admin.post(
        f"{base}/investigation/",
        {"investigator": world.users["a_staff2"].pk},
        content_type="application/json",
    )
    assert answer.status_code == 403 and answer.json()["field"] == "investigator"
    assert "party" in answer.json()["detail"]
    post(admin, f"{base}/investigation/", {"investigator": world.users["a_staff"].pk})
    # The lead is a party: to them the case does not exist, so they cannot decide it either.
    answer = lead.post(
        f"{base}/decision/",
        {"reasons": "r", "harmed_person_heard": True},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_wrong_state_and_wrong_role_answers(api, participants, world):
    staff = api("a_staff")
    case = report(staff, participants)
    answer = api("a_lead").post(
        f"/api/cases/{case['id']}/investigation/",
        {"investigator": world.users["a_staff2"].pk},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert "Acknowledge the case first" in answer.json()["detail"]
    answer = staff.post(
        f"/api/cases/{case['id']}/withdraw/", {"reason": "x"}, content_type="application/json"
    )
    assert answer.status_code == 403


def test_appeal_after_window_refused_with_date(api, participants, world, in_program, program_a):
    from workflow.models import Decision

    staff, lead = api("a_staff"), api("a_lead")
    case = report(staff, participants)
    base = f"/api/cases/{case['id']}"
    post(staff, f"{base}/acknowledge/")
    post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    case = post(
        lead,
        f"{base}/decision/",
        {"reasons": "r", "harmed_person_heard": False, "not_heard_reason": "unreachable"},
        expect=201,
    )
    closed = timezone.now() - timedelta(minutes=1)
    with in_program(program_a):  # move the clock: the window closed a minute ago
        Decision.objects.filter(case_id=case["id"]).update(
            decided_at=closed - timedelta(days=14), appeal_deadline=closed
        )
    answer = staff.post(
        f"{base}/appeals/",
        {"party": party_id(case, "person_who_did_harm"), "grounds": "late"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "closed on" in answer.json()["detail"] and answer.json()["closed_at"]


def test_fields_a_request_does_not_take_are_named_and_nothing_is_saved(api, participants):

    staff = api("a_staff")
    before = staff.get("/api/cases/").json()["count"]
    body = {
        "kind": "incident",
        "occurred_at": timezone.now().isoformat(),
        "narrative": "Shouting at the door.",
        "categories": ["threat"],
        "severity": "low",
        "severty": "high",
        "parties": [{"role": "harmed_person", "participant": participants["river"], "nick": "R"}],
    }
    answer = staff.post("/api/cases/", body, content_type="application/json")
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"severty", "parties[0].nick"}
    assert "check its spelling" in errors["severty"][0]
    assert staff.get("/api/cases/").json()["count"] == before
    del body["severty"], body["parties"][0]["nick"]
    assert staff.post("/api/cases/", body, content_type="application/json").status_code == 201


def test_an_incident_and_its_immediate_ban_in_one_request_all_or_nothing(api, participants):
    staff = api("a_staff")
    before = staff.get("/api/cases/").json()["count"]
    body = {
        "kind": "incident",
        "occurred_at": timezone.now().isoformat(),
        "narrative": "Threw a chair near the kitchen.",
        "categories": ["threat"],
        "severity": "high",
        "parties": [{"role": "person_who_did_harm", "participant": participants["sky"]}],
        "ban": {"participant": participants["sky"], "days": 999, **SUPPLIES},
    }
    refused = staff.post("/api/cases/", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"].startswith("ban.")
    assert staff.get("/api/cases/").json()["count"] == before  # no case without its ban
    body["ban"]["days"] = 3
    case = post(staff, "/api/cases/", body, expect=201)
    assert len(case["bans"]) == 1 and case["bans"][0]["reason"] == body["narrative"]


def test_appeal_rules_through_the_api(api, participants, world):
    """Issue 15: a witness cannot appeal (400 on the party field); the reviewer writes the
    reasons for the parties apart from internal notes, and only the former reach a notice."""
    staff, lead, admin = api("a_staff"), api("a_lead"), api("a_admin")
    case = report(staff, participants)
    base = f"/api/cases/{case['id']}"
    case = post(
        staff, f"{base}/parties/", {"role": "witness", "participant": participants["wren"]}, 201
    )
    post(staff, f"{base}/acknowledge/")
    post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    post(
        lead,
        f"{base}/decision/",
        {"reasons": "Internal reasons.", "harmed_person_heard": True},
        expect=201,
    )
    answer = staff.post(
        f"{base}/appeals/",
        {"party": party_id(case, "witness"), "grounds": "I saw it differently"},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.json()
    assert "witness cannot appeal" in str(answer.json())
    case = post(
        staff,
        f"{base}/appeals/",
        {"party": party_id(case, "person_who_did_harm"), "grounds": "Too much"},
        expect=201,
    )
    decision_url = f"{base}/appeals/{case['appeals'][0]['id']}/decision/"
    answer = admin.post(
        decision_url, {"outcome": "upheld", "reasons": "Notes"}, content_type="application/json"
    )
    assert answer.status_code == 400 and "reasons_for_parties" in answer.json()
    case = post(
        admin,
        decision_url,
        {
            "outcome": "upheld",
            "reasons": "Notes: sky's case manager says meals at 5.",
            "reasons_for_parties": "The decision stands as it was.",
        },
    )
    outcome = [n for n in case["notices"] if n["kind"] == "appeal_outcome"]
    assert outcome and all("meals" not in n["text"] for n in outcome)
    assert any("The decision stands as it was." in n["text"] for n in outcome)


def test_text_limits_and_the_restitution_minimum_hold_at_the_api(api, participants, world):
    """The limits the forms show are the services' own: the API cannot go past them either,
    and its refusal says what to fix."""
    staff, lead = api("a_staff"), api("a_lead")
    case = report(staff, participants)
    base = f"/api/cases/{case['id']}"
    post(staff, f"{base}/acknowledge/")
    post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    answer = staff.post(
        f"{base}/statements/",
        {"content": "x" * 12_345, "party": party_id(case, "harmed_person")},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["field"] == "content"
    assert "Keep the statement to 10,000 characters at most (it has 12,345)." in str(answer.json())
    assert staff.get(f"{base}/").json()["statements"] == []
    post(staff, f"{base}/statements/", {"content": "y" * 10_000}, expect=201)

    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    restitution = {
        "kind": "restitution",
        "owner": world.users["a_staff"].pk,
        "due_date": due,
        "for_party": party_id(case, "person_who_did_harm"),
        "restitution_amount": "0.00",
    }
    answer = lead.post(
        f"{base}/decision/",
        {"reasons": "Pay it back.", "harmed_person_heard": True, "actions": [restitution]},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.json()
    assert "Give an amount above 0" in str(answer.json())
    assert staff.get(f"{base}/").json()["decision"] is None
    case = post(
        lead,
        f"{base}/decision/",
        {
            "reasons": "Pay it back.",
            "harmed_person_heard": True,
            "actions": [{**restitution, "restitution_amount": "0.01"}],
        },
        expect=201,
    )
    answer = staff.post(
        f"{base}/appeals/",
        {"party": party_id(case, "person_who_did_harm"), "grounds": "z" * 10_001},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.json()
    assert "to 10,000 characters at most (it has 10,001)" in str(answer.json())
    assert staff.get(f"{base}/").json()["appeals"] == []
