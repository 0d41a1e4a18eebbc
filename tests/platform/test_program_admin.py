"""Operators suspend and resume programs with admin actions; the status itself cannot be edited
(setting "being set up" again would have the schema replaced), and provisioning refuses a
program that was ready once."""

import pytest

from organizations.errors import OnboardingError
from organizations.models import Program, ProgramStatus
from organizations.services import provision_program, resume_program, suspend_program

URL = "/admin/organizations/program/"


def test_operator_suspends_and_resumes_with_admin_actions(operator_admin, program_a):
    admin = operator_admin
    response = admin.post(URL, {"action": "suspend", "_selected_action": [program_a.pk]})
    assert response.status_code == 302
    assert Program.objects.get(pk=program_a.pk).status == ProgramStatus.SUSPENDED
    admin.post(URL, {"action": "resume", "_selected_action": [program_a.pk]})
    assert Program.objects.get(pk=program_a.pk).status == ProgramStatus.READY
    # Resuming a ready program is refused and changes nothing.
    page = admin.post(URL, {"action": "resume", "_selected_action": [program_a.pk]}, follow=True)
    assert "can become" in page.text
    assert Program.objects.get(pk=program_a.pk).status == ProgramStatus.READY


def test_status_is_not_an_editable_field(operator_admin, program_a):
    form = operator_admin.get(f"{URL}{program_a.pk}/change/").text
    assert 'name="status"' not in form


def test_only_operators_suspend(db, world, program_a):
    with pytest.raises(OnboardingError):
        suspend_program(actor=world.users["hd1"], program=program_a)
    with pytest.raises(OnboardingError):
        resume_program(actor=world.users["a_admin"], program=program_a)
    assert Program.objects.get(pk=program_a.pk).status == ProgramStatus.READY


def test_provisioning_refuses_a_program_that_was_ready(db, program_a, in_program):
    from tenants.models import Participant

    with in_program(program_a):
        Participant.objects.create(code="KEEP-1")
    Program.objects.filter(pk=program_a.pk).update(status=ProgramStatus.PROVISIONING)
    provision_program(program_id=program_a.pk)
    with in_program(program_a):
        assert Participant.objects.filter(code="KEEP-1").exists()
