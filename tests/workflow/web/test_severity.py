"""A participant's complaint arrives with its severity unassessed: staff see that on the case
page and assess it there (or through the API); the ban length by severity then follows it."""

import pytest

from tests.workflow.web.test_pages import field_error
from workflow import services
from workflow.errors import StepNotAllowed, WorkflowError
from workflow.models import Case, CaseEvent


@pytest.fixture
def complaint(in_a):
    return services.file_complaint(
        what_happened="Someone pushed me out of the queue.", occurred_at=None
    )


def test_public_complaint_shows_unassessed_until_staff_assess_it(site, complaint, users):
    staff = site("a_staff")
    page = staff.get(f"/cases/{complaint.pk}/").text
    assert "severity not yet assessed" in page
    assert "Assess the severity" in page
    assert "severity not yet assessed" in staff.get("/").text

    response = staff.post(
        f"/cases/{complaint.pk}/steps/assess_severity/",
        {"assess_severity-severity": "high", "assess_severity-note": "A push, witnessed."},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=complaint.pk)
    assert case.severity == "high" and case.severity_assessed_at is not None
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "assess_severity" and event.actor == users["a_staff"]
    assert event.before == {"severity": "moderate", "assessed": False}
    assert event.after == {"severity": "high", "note": "A push, witnessed."}

    page = staff.get(f"/cases/{complaint.pk}/").text
    assert "severity not yet assessed" not in page and "severity high" in page
    assert "Change the severity" in page
    assert "severity not yet assessed" not in staff.get("/").text
    assert "Severity assessed" in staff.get(f"/cases/{complaint.pk}/timeline/").text


def test_severity_form_error_keeps_the_note(site, complaint):
    response = site("a_staff").post(
        f"/cases/{complaint.pk}/steps/assess_severity/",
        {"assess_severity-severity": "catastrophic", "assess_severity-note": "Kept text"},
    )
    assert response.status_code == 400
    assert field_error(response.text, "assess_severity-severity")
    assert "Kept text" in response.text
    assert Case.objects.get(pk=complaint.pk).severity_assessed_at is None


def test_cases_recorded_by_staff_count_as_assessed(make_case):
    assert make_case(severity="low").severity_assessed_at is not None


def test_ban_length_follows_the_assessed_severity(complaint, users, people):
    staff = users["a_staff"]
    services.add_party(
        actor=staff, case=complaint, role="person_who_did_harm", participant=people["sky"]
    )
    ban_terms = dict(
        actor=staff,
        case=complaint,
        participant=people["sky"],
        reason="Pushed someone",
        supply_access_plan="outreach",
        supply_access_details="Outreach van",
    )
    # The placeholder severity of an unassessed complaint never sets a ban's length.
    with pytest.raises(WorkflowError) as refused:
        services.impose_ban(**ban_terms)
    assert refused.value.field == "days" and "Assess" in refused.value.message
    assert not complaint.bans.exists()
    services.assess_severity(actor=users["a_staff"], case=complaint, severity="severe")
    ban = services.impose_ban(**ban_terms)
    policy = Case.objects.get(pk=complaint.pk).policy_version
    assert (ban.ends_at - ban.starts_at).days == policy.ban_days_by_severity["severe"]


def test_closed_cases_cannot_be_regraded(complaint, users):
    services.resolve_early(actor=users["a_lead"], case=complaint, reason="Talked it through")
    with pytest.raises(StepNotAllowed):
        services.assess_severity(actor=users["a_staff"], case=complaint, severity="low")


def test_assess_severity_through_the_api(complaint, client_for, program_a, users):
    api = client_for(program_a, users["a_staff"])
    url = f"/api/cases/{complaint.pk}/severity/"
    bad = api.post(url, {"severity": "huge"}, content_type="application/json")
    assert bad.status_code == 400 and "severity" in bad.json()
    done = api.post(url, {"severity": "low", "note": "Words only"}, content_type="application/json")
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["severity"] == "low" and body["severity_assessed_at"]
    assert "assess_severity" in body["allowed_steps"]
