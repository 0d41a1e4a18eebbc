"""Names that reach email headers hold no line break (issue 13): a program name with one is
refused with a clear message, by the form and by the database; an invitation address with one
is refused before anything is saved."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from organizations import services
from organizations.errors import OnboardingError
from organizations.models import Invitation, Program


@pytest.mark.parametrize("name", ["Eastside\nDrop-in", "Eastside\r\nBcc: x@example.test", "A\tB"])
def test_a_program_name_with_a_line_break_is_refused(db, world, client_for, name):
    platform = client_for(None, world.users["hd1"])
    response = platform.post(
        "/programs/add/",
        {
            "health_department": world.departments["d1"].pk,
            "name": name,
            "program_type": "drop_in",
            "slug": "one-liner",
        },
    )
    assert response.status_code == 400
    assert "Write the name on one line" in response.text
    assert not Program.objects.filter(slug="one-liner").exists()


def test_the_database_refuses_a_program_name_with_a_line_break(db, world):
    program = world.programs["a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(name="Program\nA")


def test_an_invitation_address_with_a_line_break_is_refused_before_saving(db, world):
    with pytest.raises(OnboardingError, match="email address") as excinfo:
        services.invite_program_member(
            actor=world.users["a_admin"],
            program=world.programs["a"],
            email="new@example.test\nBcc: everyone@example.test",
            role=Role.PROGRAM_STAFF,
        )
    assert excinfo.value.field == "email"
    assert not Invitation.objects.exists()
