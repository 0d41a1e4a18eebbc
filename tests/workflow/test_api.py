"""The workflow through the API alone: the full lifecycle, every rule answered with a 4xx that
says what to do, per-field 400s with nothing half-saved, and no cross-program access."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SUPPLIES = {"supply_access_plan": "offsite_bags", "supply_access_details": "Bags at the side door"}


@pytest.fixture
def api(db, client_for, program_a, world):
    """api(user_key) -> client on program A's site signed in as that user."""
    return lambda key: client_for(program_a, world.users[key])


@pytest.fixture
def participants(api):
    staff = api("a_staff")
    made = {}
    for code in ("P-river", "P-sky", "P-wren"):
        response = staff.post(
            "/api/participants/", {"code": code, "alias": code[2:]}, content_type="application/json"
        )
        assert response.status_code == 201, response.json()
        made[code[2:]] = response.json()["id"]
    return made


def post(client, url, data=None, expect=200):
    response = client.post(url, data or {}, content_type="application/json")
    assert response.status_code == expect, response.json()
    return response.json()


def report(client, participants, **overrides):
    body = {
        "kind": "complaint",
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "narrative": "My bag was taken from the lockers.",
        "categories": ["theft"],
        "severity": "moderate",
        "location": "lockers",
        "issue_tracking_code": True,
        "parties": [
            {"role": "harmed_person", "participant": participants["river"]},
            {"role": "complainant", "participant": participants["river"]},
            {"role": "person_who_did_harm", "participant": participants["sky"]},
        ],
    }
    body.update(overrides)
    return post(client, "/api/cases/", body, expect=201)


def party_id(case, role):
    return next(p["id"] for p in case["parties"] if p["role"] == role)


def test_full_lifecycle_with_modifying_appeal(api, participants, world):
    staff, lead, admin = api("a_staff"), api("a_lead"), api("a_admin")
    case = report(staff, participants)
    cid = case["id"]
    assert case["state"] == "reported" and case["tracking_code"]
    assert case["response_status"] == "on_time"
    assert "acknowledge_case" in case["allowed_steps"]
    base = f"/api/cases/{cid}"
    post(
        staff,
        f"{base}/bans/",
        {"participant": participants["sky"], "reason": "Theft", "days": 3, **SUPPLIES},
        expect=201,
    )
    post(
        staff,
        f"{base}/parties/",
        {
            "role": "representative",
            "participant": participants["wren"],
            "represents": party_id(case, "person_who_did_harm"),
        },
        expect=201,
    )
    case = post(staff, f"{base}/acknowledge/")
    assert case["state"] == "acknowledged" and len(case["notices"]) == 4
    case = post(
        staff, f"{base}/notices/{case['notices'][0]['id']}/delivery/", {"method": "read_aloud"}
    )
    case = post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    post(
        staff,
        f"{base}/statements/",
        {"content": "I saw sky at the lockers.", "party": party_id(case, "harmed_person")},
        expect=201,
    )
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg")
    response = staff.post(f"{base}/evidence/", {"file": upload, "description": "Locker"})
    assert response.status_code == 201, response.json()
    evidence = response.json()["evidence"][0]
    download = staff.get(evidence["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0" + b"\x00" * 60
    post(
        staff,
        f"{base}/contributing-factors/",
        {"factors": ["supply_shortage", "crowding"], "context_notes": "Lockers were full."},
    )
    case = post(
        staff,
        f"{base}/hearings/",
        {
            "scheduled_for": (timezone.now() + timedelta(days=1)).isoformat(),
            "facilitator": world.users["a_staff2"].pk,
            "attendees": [p["id"] for p in case["parties"]],
        },
        expect=201,
    )
    for role in ("harmed_person", "person_who_did_harm"):
        post(staff, f"{base}/consents/", {"party": party_id(case, role)}, expect=201)
    hearing = f"{base}/hearings/{case['hearings'][0]['id']}"
    # Not yet held: its outcome cannot be recorded before its time.
    early = staff.post(
        f"{hearing}/outcome/", {"harmed_person_heard": True}, content_type="application/json"
    )
    assert early.status_code == 400 and "once it has taken place" in str(early.json())
    # It took place earlier than planned: moved, with the reason, then recorded.
    case = post(
        staff,
        f"{hearing}/reschedule/",
        {
            "scheduled_for": (timezone.now() - timedelta(hours=1)).isoformat(),
            "reason": "Both were here early.",
        },
    )
    assert case["hearings"][0]["location"] == ""
    case = post(
        staff,
        f"{hearing}/outcome/",
        {"harmed_person_heard": True, "outcome_notes": "Both spoke."},
    )
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    sky = party_id(case, "person_who_did_harm")
    case = post(
        lead,
        f"{base}/decision/",
        {
            "reasons": "The bag was taken; return it and listen.",
            "actions": [
                {
                    "kind": "restitution",
                    "owner": world.users["a_staff"].pk,
                    "due_date": due,
                    "for_party": sky,
                    "restitution_goods": "Return the bag",
                    "restitution_tracking": "Staff to log return",
                },
                {
                    "kind": "temporary_ban",
                    "owner": world.users["a_staff"].pk,
                    "due_date": due,
                    "for_party": sky,
                    "ban": {"days": 7, **SUPPLIES},
                },
                {"kind": "witness_debrief", "owner": world.users["a_lead"].pk, "due_date": due},
            ],
        },
        expect=201,
    )
    assert case["state"] == "decided" and case["decision"]["harmed_person_heard"] is True
    assert case["decision"]["contributing_factors"] == ["crowding", "supply_shortage"]
    assert len(case["follow_ups"]) == 6
    case = post(
        staff, f"{base}/appeals/", {"party": sky, "grounds": "Seven days is too long"}, expect=201
    )
    assert case["state"] == "appealed"
    answer = lead.post(
        f"{base}/appeals/{case['appeals'][0]['id']}/decision/",
        {"outcome": "upheld", "reasons": "x", "reasons_for_parties": "y"},
        content_type="application/json",
    )
    assert answer.status_code == 403 and "decided this case" in answer.json()["detail"]
    case = post(
        admin,
        f"{base}/appeals/{case['appeals'][0]['id']}/decision/",
        {
            "outcome": "modified",
            "reasons": "Two days is enough with the bag returned.",
            "reasons_for_parties": "Two days is enough once the bag is returned.",
            "actions": [
                {
                    "kind": "restitution",
                    "owner": world.users["a_staff"].pk,
                    "due_date": due,
                    "for_party": sky,
                    "restitution_goods": "Return the bag",
                },
                {
                    "kind": "temporary_ban",
                    "owner": world.users["a_staff"].pk,
                    "due_date": due,
                    "for_party": sky,
                    "ban": {"days": 2, **SUPPLIES},
                },
                {
                    "kind": "storytelling_listening",
                    "owner": world.users["a_staff2"].pk,
                    "due_date": due,
                },
            ],
        },
    )
    assert case["state"] == "restoring"
    plans = case["plans"]
    assert [p["version"] for p in plans] == [1, 2]
    assert plans[0]["superseded_at"] and not plans[1]["superseded_at"]
    assert plans[1]["origin"] == "appeal" and len(plans[0]["actions"]) == 3
    for action in plans[1]["actions"]:
        post(staff, f"{base}/actions/{action['id']}/status/", {"status": "done"})
    answer = lead.post(f"{base}/close/", content_type="application/json")
    assert answer.status_code == 400 and "pending" in answer.json()["detail"]
    follow_ups = case["follow_ups"]
    post(lead, f"{base}/follow-ups/{follow_ups[0]['id']}/waive/", {"reason": "Unreachable"})
    for follow_up in follow_ups[1:]:
        post(staff, f"{base}/follow-ups/{follow_up['id']}/complete/", {"notes": "Checked in"})
    # The appeal's 2-day ban replaced the decision's, which replaced the immediate one: one
    # ban still runs, and closing says so before it goes ahead.
    answer = lead.post(f"{base}/close/", content_type="application/json")
    assert answer.status_code == 409 and "still running" in answer.json()["detail"]
    assert [b["participant"] for b in answer.json()["running_bans"]] == ["P-sky"]
    case = post(lead, f"{base}/close/", {"confirm_running_bans": True})
    assert case["state"] == "closed"

    record = staff.get(f"{base}/export/").json()
    actions = [event["action"] for event in record["timeline"]]
    assert actions[:4] == ["report_case", "add_party", "add_party", "add_party"]
    expected_order = [
        "impose_ban",
        "acknowledge_case",
        "record_notice_delivery",
        "start_investigation",
        "add_statement",
        "attach_evidence",
        "record_contributing_factors",
        "schedule_hearing",
        "record_consent",
        "record_hearing_outcome",
        "decide_case",
        "file_appeal",
        "decide_appeal",
        "update_action_status",
        "waive_follow_up",
        "complete_follow_up",
        "close_case",
    ]
    positions = [actions.index(name) for name in expected_order]
    assert positions == sorted(positions)
    assert [e["seq"] for e in record["timeline"]] == list(range(1, len(actions) + 1))
    assert len(record["plans"]) == 2 and record["appeals"][0]["outcome"] == "modified"
    assert record["evidence"][0]["original_name"] == "photo.jpg"
    assert staff.get(f"{base}/timeline/").json()[-1]["action"] == "close_case"


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


def test_policy_read_and_change_by_admin_only(api):
    staff, admin = api("a_staff"), api("a_admin")
    current = staff.get("/api/policy/").json()
    assert current["response_window_days"] == 7 and not current["beyond_recommendation"]
    answer = staff.post("/api/policy/", {"max_ban_days": 10}, content_type="application/json")
    assert answer.status_code == 403
    answer = admin.post("/api/policy/", {"max_ban_days": 500}, content_type="application/json")
    assert answer.status_code == 400 and "max_ban_days" in answer.json()
    changed = post(
        admin,
        "/api/policy/",
        {"response_window_days": 10, "change_note": "Holiday staffing"},
        expect=201,
    )
    assert changed["number"] == current["number"] + 1 and changed["beyond_recommendation"]
    assert changed["created_by"] is not None
    assert len(staff.get("/api/policy/versions/").json()) == 2


def test_low_level_response_at_the_api(api, participants):
    staff = api("a_staff")
    record = post(
        staff,
        "/api/low-level-responses/",
        {"what_happened": "Shouting at the door", "participant": participants["sky"]},
        expect=201,
    )
    assert record["participant"] == "P-sky" and record["welcome_back_on"]
    assert staff.get("/api/cases/").json()["count"] == 0


def test_no_cross_program_access(api, participants, client_for, program_b, world):
    case = report(api("a_staff"), participants)
    b_admin = client_for(program_b, world.users["b_admin"])
    assert b_admin.get(f"/api/cases/{case['id']}/").status_code == 404
    assert b_admin.get("/api/cases/").json()["count"] == 0
    outsider = client_for(world.programs["a"], world.users["b_staff"])
    assert outsider.get(f"/api/cases/{case['id']}/").status_code == 404


def test_schema_generates(api):
    response = api("a_staff").get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/cases/{id}/decision/" in response.content


def test_evidence_is_stored_per_program_and_served_to_members_only(
    api, participants, client_for, program_b, world, in_program, program_a
):
    from workflow.models import EvidenceFile

    staff, lead = api("a_staff"), api("a_lead")
    case = report(staff, participants)
    base = f"/api/cases/{case['id']}"
    post(staff, f"{base}/acknowledge/")
    post(lead, f"{base}/investigation/", {"investigator": world.users["a_staff2"].pk})
    upload = SimpleUploadedFile("note.txt", b"evidence", "text/plain")
    evidence = staff.post(f"{base}/evidence/", {"file": upload}).json()["evidence"][0]
    with in_program(program_a):
        stored = EvidenceFile.objects.get(pk=evidence["id"])
        assert stored.file.name == f"programs/{program_a.schema_name}/evidence/{stored.pk}"
    outsider = client_for(program_a, world.users["b_staff"])
    assert outsider.get(evidence["download_url"]).status_code == 404
    assert (
        client_for(program_a, None).get(evidence["download_url"]).status_code == 401
    )  # an API client is told, not redirected


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


def test_the_program_api_answers_anonymous_clients_with_401_json(db, client_for, program_a):
    anonymous = client_for(program_a)
    for path in ("/api/cases/", "/api/participants/", "/api/policy/"):
        answer = anonymous.get(path)
        assert answer.status_code == 401, path
        assert answer["Content-Type"] == "application/json"
        assert "Sign in first" in answer.json()["detail"]
    # Pages for people still lead to the sign-in page.
    assert anonymous.get("/cases/").status_code == 302


def test_me_and_the_staff_list_give_the_ids_steps_take(api, world):
    lead = world.users["a_lead"]
    lead.first_name, lead.last_name = "Lee", "Park"
    lead.save()
    me = api("a_lead").get("/api/me/").json()
    assert me["id"] == lead.pk and me["name"] == "Lee Park" and me["role"] == "program_lead"
    staff = api("a_staff").get("/api/staff/").json()
    assert {m["id"] for m in staff} == {
        world.users[k].pk for k in ("a_admin", "a_lead", "a_staff", "a_staff2")
    }
    assert {"id": lead.pk, "name": "Lee Park", "role": "program_lead"} in staff
    assert all("email" not in m for m in staff)  # names and roles, no addresses


def test_one_welcome_back_date_and_the_supply_log_at_the_api(api, participants):
    staff = api("a_staff")
    first, second = report(staff, participants), report(staff, participants)
    terms = {"participant": participants["sky"], "reason": "x", **SUPPLIES}
    post(staff, f"/api/cases/{first['id']}/bans/", {**terms, "days": 4}, expect=201)
    answer = staff.post(
        f"/api/cases/{second['id']}/bans/", {**terms, "days": 9}, content_type="application/json"
    )
    body = answer.json()
    assert answer.status_code == 409 and body["field"] == "other_bans"
    assert [b["case"] for b in body["running_bans"]] == [first["id"]]
    assert body["choices"] == ["keep", "set"]
    both = {**terms, "days": 9, "ends_at": (timezone.now() + timedelta(days=9)).isoformat()}
    answer = staff.post(
        f"/api/cases/{second['id']}/bans/",
        {**both, "other_bans": "set"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "not both" in answer.json()["detail"]
    case = post(
        staff,
        f"/api/cases/{second['id']}/bans/",
        {**terms, "days": 9, "other_bans": "set"},
        expect=201,
    )
    ban = case["bans"][0]
    person = staff.get(f"/api/participants/{participants['sky']}/").json()
    assert person["away"]["welcome_back"] == ban["ends_at"]
    assert person["away"]["cases"] == sorted([first["id"], second["id"]])
    listed = {p["code"]: p["away"] for p in staff.get("/api/participants/").json()["results"]}
    assert listed["P-sky"]["welcome_back"] == ban["ends_at"] and listed["P-river"] is None
    case = post(
        staff,
        f"/api/cases/{second['id']}/bans/{ban['id']}/supplies/",
        {"reached_on": timezone.localdate().isoformat(), "method": "outreach"},
        expect=201,
    )
    assert case["bans"][0]["supply_contacts"][0]["method"] == "outreach"
    record = staff.get(f"/api/cases/{second['id']}/export/").json()
    assert record["supply_contacts"][0]["method"] == "outreach"
    assert record["bans"][0]["replaced_at"] is None


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
