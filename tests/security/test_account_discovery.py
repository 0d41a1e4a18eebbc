"""Messages about people never reveal accounts outside the program: naming an account of
another program or of the platform (an operator), and naming an id no account has, get the very
same answer, which names nobody. Staff pickers list only the program's own members."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

NEVER_USED = 987654321


@pytest.fixture
def case_id(db, client_for, program_a, world):
    from tenants.models import Participant
    from workflow import services

    with tenant_context(program_a):
        person = Participant.objects.create(code="D-1", alias="")
        case = services.report_case(
            actor=world.users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="Shouting by the door.",
            categories=["threat"],
            severity="low",
            parties=[{"role": "harmed_person", "participant": person}],
        )
        return case.pk


def _answer(client, path, body):
    response = client.post(path, json.dumps(body), content_type="application/json")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    "route, field",
    [
        ("parties/", "staff_user"),
        ("owner/", "owner"),
        ("investigation/", "investigator"),
    ],
)
def test_api_user_fields_answer_alike_for_outsiders_and_no_one(
    case_id, client_for, program_a, world, route, field
):
    lead = client_for(program_a, world.users["a_lead"])
    if route == "investigation/":
        lead.post(f"/api/cases/{case_id}/acknowledge/")
    path = f"/api/cases/{case_id}/{route}"
    extra = {"role": "witness"} if route == "parties/" else {}
    answers = {}
    for who in ("operator", "b_admin", "hd1", "ta_x"):
        user = world.users[who]
        answers[who] = _answer(lead, path, {**extra, field: user.pk})
        assert user.email not in answers[who][1]
        assert "member" in answers[who][1].lower()
    never = _answer(lead, path, {**extra, field: NEVER_USED})
    for who, (status, text) in answers.items():
        assert status == never[0] == 400, (who, text)
        assert text.replace(str(world.users[who].pk), "#") == never[1].replace(
            str(NEVER_USED), "#"
        ), who


def test_report_with_an_outsider_as_party_or_owner_answers_alike(client_for, program_a, world, db):
    lead = client_for(program_a, world.users["a_lead"])
    base = {
        "kind": "incident",
        "occurred_at": "2026-01-01T10:00:00Z",
        "narrative": "x",
        "categories": ["threat"],
        "severity": "low",
    }
    for body in (
        lambda pk: {**base, "owner": pk},
        lambda pk: {**base, "parties": [{"role": "witness", "staff_user": pk}]},
    ):
        status, outsider = _answer(lead, "/api/cases/", body(world.users["operator"].pk))
        never_status, never = _answer(lead, "/api/cases/", body(NEVER_USED))
        assert status == never_status == 400
        assert world.users["operator"].email not in outsider
        assert outsider.replace(str(world.users["operator"].pk), "#") == never.replace(
            str(NEVER_USED), "#"
        )


def test_service_message_about_a_non_member_names_nobody(db, program_a, world):
    from workflow.errors import WorkflowError
    from workflow.services._base import require_member

    with tenant_context(program_a), pytest.raises(WorkflowError) as err:
        require_member(world.users["operator"], field="owner")
    assert world.users["operator"].email not in err.value.message
    assert "member" in err.value.message


def test_the_staff_picker_offers_members_only_and_refuses_others_alike(
    case_id, client_for, program_a, world
):
    lead = client_for(program_a, world.users["a_lead"])
    page = lead.get(f"/cases/{case_id}/").content.decode()
    assert world.users["a_staff"].email in page
    for who in ("operator", "b_admin", "hd1"):
        assert world.users[who].email not in page
    answers = []
    for pk in (world.users["operator"].pk, NEVER_USED):
        response = lead.post(
            f"/cases/{case_id}/steps/add_party/",
            {"add_party-role": "witness", "add_party-staff_user": str(pk)},
        )
        text = response.content.decode()
        assert response.status_code == 400
        assert world.users["operator"].email not in text
        answers.append(text.replace(str(pk), "#"))
    assert answers[0].count("errorlist") == answers[1].count("errorlist")
