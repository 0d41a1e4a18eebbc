"""Reporting, due dates under the case's own policy version, parties and immediate bans."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.policy import change_policy, current_policy
from workflow.errors import NotPermitted, StepNotAllowed, WorkflowError
from workflow.models import CaseEvent, DueStatus, PartyRole


def test_report_sets_due_dates_from_policy(make_case):
    case = make_case()
    policy = current_policy()
    assert case.state == "reported"
    assert case.policy_version == policy
    assert case.acknowledgement_due_at == case.reported_at + timedelta(days=2)
    assert case.response_due_at == case.reported_at + timedelta(days=7)
    assert case.acknowledgement_status() == DueStatus.ON_TIME
    assert case.response_status(now=case.response_due_at - timedelta(hours=3)) == "due_soon"
    assert case.response_status(now=case.response_due_at + timedelta(seconds=1)) == "overdue"
    assert [e.action for e in CaseEvent.objects.filter(case=case)] == [
        "report_case",
        "add_party",
        "add_party",
    ]


def test_policy_change_does_not_move_open_case_due_dates(make_case, users):
    case = make_case()
    due = (case.acknowledgement_due_at, case.response_due_at)
    new = change_policy(
        actor=users["a_admin"],
        response_window_days=14,
        acknowledgement_window_days=5,
        change_note="Longer windows",
    )
    assert new.beyond_recommendation
    case.refresh_from_db()
    assert (case.acknowledgement_due_at, case.response_due_at) == due
    assert case.policy_version.number == new.number - 1
    later = make_case()
    assert later.policy_version == new
    assert later.response_due_at == later.reported_at + timedelta(days=14)


def test_report_rejects_bad_input_and_saves_nothing(make_case):
    from workflow.models import Case

    with pytest.raises(WorkflowError) as err:
        make_case(narrative="  ")
    assert err.value.field == "narrative"
    with pytest.raises(WorkflowError) as err:
        make_case(police_called=True)
    assert err.value.field == "emergency_services_reason"
    with pytest.raises(WorkflowError) as err:
        make_case(occurred_at=timezone.now() + timedelta(days=1))
    assert err.value.field in ("occurred_at", "reported_at")
    with pytest.raises(WorkflowError):
        make_case(categories=["shouting"])
    assert not Case.objects.exists()


def test_only_complaints_get_tracking_codes(make_case):
    complaint = make_case(kind="complaint", issue_tracking_code=True)
    assert len(complaint.tracking_code) == 14
    with pytest.raises(WorkflowError):
        make_case(kind="incident", issue_tracking_code=True)


def test_non_member_cannot_report(make_case, users):
    with pytest.raises(NotPermitted):
        make_case(actor=users["b_staff"])


def test_representative_must_represent_a_party(make_case, people, users):
    from workflow.services import add_party

    case = make_case()
    harmed = case.parties.get(role=PartyRole.HARMED_PERSON)
    with pytest.raises(WorkflowError) as err:
        add_party(
            actor=users["a_staff"], case=case, role="representative", participant=people["stone"]
        )
    assert err.value.field == "represents"
    rep = add_party(
        actor=users["a_staff"],
        case=case,
        role="representative",
        participant=people["stone"],
        represents=harmed,
    )
    assert rep.represents == harmed


def test_staff_can_be_a_party_in_staff_conduct_case(make_case, users):
    case = make_case(
        categories=["staff_conduct"],
        parties=[{"role": "person_who_did_harm", "staff_user": users["a_staff2"]}],
    )
    assert case.parties.get().staff_user == users["a_staff2"]


def test_low_level_response_opens_no_case(in_a, users, people):
    from workflow.models import Case
    from workflow.services import record_low_level_response

    record = record_low_level_response(
        actor=users["a_staff"], participant=people["sky"], what_happened="Yelling at the door."
    )
    assert record.welcome_back_on == timezone.localdate() + timedelta(days=1)
    assert "welcome back" in record.response
    assert not Case.objects.exists()


def test_step_from_wrong_state_says_what_to_do(make_case, users):
    from workflow.services import start_investigation

    case = make_case()
    with pytest.raises(StepNotAllowed) as err:
        start_investigation(actor=users["a_lead"], case=case, investigator=users["a_staff2"])
    assert "Acknowledge the case first" in err.value.message


def test_staff_role_cannot_take_lead_steps(make_case, users):
    from workflow.services import acknowledge_case, start_investigation

    case = make_case()
    acknowledge_case(actor=users["a_staff"], case=case)
    with pytest.raises(NotPermitted):
        start_investigation(actor=users["a_staff"], case=case, investigator=users["a_staff2"])


def test_acknowledgement_generates_notice_per_party(make_case, users):
    from workflow.services import acknowledge_case, record_notice_delivery

    case = make_case()
    acknowledge_case(actor=users["a_staff"], case=case)
    case.refresh_from_db()
    assert case.acknowledgement_status() == DueStatus.MET
    notices = list(case.notices.all())
    assert len(notices) == 2
    assert "appeal" in notices[0].text
    assert "30 days" in notices[0].text  # maximum ban from the policy
    record_notice_delivery(actor=users["a_staff"], notice=notices[0], method="read_aloud")
    with pytest.raises(WorkflowError):
        record_notice_delivery(actor=users["a_staff"], notice=notices[0], method="printed")
    with pytest.raises(WorkflowError) as err:
        record_notice_delivery(actor=users["a_staff"], notice=notices[1], method="pigeon")
    assert err.value.field == "method"


def test_case_numbers_have_no_gaps_when_a_report_is_refused(make_case, users, people):
    """A refused report (here: its immediate ban is too long) gives its number back: the
    next case takes the very next number, as staff would count them."""
    from django.db import transaction

    from workflow import services
    from workflow.errors import WorkflowError

    first = make_case()
    ban = {
        "participant": people["sky"],
        "supply_access_plan": "offsite_bags",
        "supply_access_details": "Bags at the side door",
        "days": 999,
    }
    report = {
        "actor": users["a_staff"],
        "kind": "incident",
        "occurred_at": timezone.now(),
        "narrative": "Threw a chair.",
        "categories": ["threat"],
        "severity": "high",
        "parties": [{"role": "person_who_did_harm", "participant": people["sky"]}],
    }
    for _attempt in range(3):
        with pytest.raises(WorkflowError), transaction.atomic():
            services.report_case_with_ban(ban=ban, **report)
    second = services.report_case_with_ban(ban={**ban, "days": 3}, **report)
    assert second.pk == first.pk + 1
    assert str(second) == f"Case {first.pk + 1}"
