"""The workflow through the API alone: the full lifecycle, policy, participants, bans and
evidence, and no cross-program access. What the API refuses, and how it says so, is in
test_api_refusals.py."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.workflow.api_calls import SUPPLIES, party_id, post, report


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
