"""Helpers for workflow tests: run inside program A's schema, and build cases step by step."""

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def in_a(db, program_a, in_program):
    """The whole test runs inside program A's schema (in the per-test transaction)."""
    with in_program(program_a):
        yield program_a


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def people(in_a):
    from tenants.models import Participant

    return {
        key: Participant.objects.create(code=f"T-{key}", alias=key.title())
        for key in ("river", "sky", "stone", "wren")
    }


@pytest.fixture
def make_case(in_a, users, people):
    """make_case(kind="incident", **overrides) -> Case with river harmed, sky who did harm."""
    from workflow.models import PartyRole
    from workflow.services import report_case

    def make(**overrides):
        args = dict(
            actor=users["a_staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=2),
            narrative="Argument at the supply table turned into shoving.",
            categories=["violence", "supply_or_service_dispute"],
            severity="moderate",
            location="front room",
            parties=[
                {"role": PartyRole.HARMED_PERSON, "participant": people["river"]},
                {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": people["sky"]},
            ],
        )
        args.update(overrides)
        return report_case(**args)

    return make


@pytest.fixture
def advance(users):
    """advance(case, to) -> case moved along the usual path up to state `to`."""
    from workflow import services
    from workflow.models import Case

    def go(case, to):
        order = ["acknowledged", "investigating", "hearing", "decided", "restoring"]
        for state in order[: order.index(to) + 1]:
            if state == "acknowledged":
                services.acknowledge_case(actor=users["a_staff"], case=case)
            elif state == "investigating":
                services.start_investigation(
                    actor=users["a_lead"], case=case, investigator=users["a_staff2"]
                )
            elif state == "hearing":
                hearing = services.schedule_hearing(
                    actor=users["a_staff"],
                    case=case,
                    scheduled_for=timezone.now() - timedelta(hours=1),
                    facilitator=users["a_staff2"],
                )
                services.record_hearing_outcome(
                    actor=users["a_staff"], hearing=hearing, harmed_person_heard=True
                )
            elif state == "decided":
                services.decide_case(
                    actor=users["a_lead"],
                    case=case,
                    reasons="Both were heard; repair the shared space.",
                    actions=[],
                )
            elif state == "restoring":
                services.begin_restoration(actor=users["a_staff"], case=case)
        return Case.objects.get(pk=case.pk)

    return go


@pytest.fixture
def api(db, client_for, program_a, world):
    """api(user_key) -> client on program A's site signed in as that user."""
    return lambda key: client_for(program_a, world.users[key])


@pytest.fixture
def participants(api):
    """Three participants made through the API by staff: {"river": id, "sky": id, "wren": id}."""
    staff = api("a_staff")
    made = {}
    for code in ("P-river", "P-sky", "P-wren"):
        response = staff.post(
            "/api/participants/", {"code": code, "alias": code[2:]}, content_type="application/json"
        )
        assert response.status_code == 201, response.json()
        made[code[2:]] = response.json()["id"]
    return made
