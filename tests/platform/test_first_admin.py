"""Health departments see figures, not files: from the platform site a health-department admin
invites the first admin of a program that has none, and nothing else. Afterwards only the
program's own admins invite, and they see every invitation into their program and who sent it."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import Membership, Role, User
from organizations import services
from organizations.errors import OnboardingError
from organizations.models import Invitation
from tests.conftest import PASSWORD, host_of
from tests.platform.conftest import link_in

NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def new_program(db, world):
    """A ready program of department D1 with no admin yet."""
    program = services.add_program(
        actor=world.users["hd1"],
        health_department=world.departments["d1"],
        name="Northside Outreach",
        program_type="mobile_outreach",
        slug="northside",
    )
    program = services.provision_program(program_id=program.pk)
    assert program.status == "ready", program.failure_reason
    return program


def _accept(link, data):
    site = Client(HTTP_HOST=urlsplit(link).hostname)
    return site, site.post(urlsplit(link).path, data)


def test_health_department_admin_cannot_make_themselves_admin_of_a_running_program(
    db, world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    """The attack of issue 13: the platform's invite form, for a running program, with the
    attacker's own address and the admin role."""
    program, hd1 = world.programs["a"], world.users["hd1"]
    platform = client_for(None, hd1)
    for email in (hd1.email, "someone.else@example.test"):
        with django_capture_on_commit_callbacks(execute=True):
            response = platform.post(
                f"/programs/{program.pk}/invite/", {"email": email, "role": Role.PROGRAM_ADMIN}
            )
        assert response.status_code == 400
        assert "already has an admin" in response.text
    assert not Invitation.objects.filter(program=program).exists()
    assert mailoutbox == []
    assert not Membership.objects.filter(user=hd1, program=program).exists()
    # The page offers no invitation form for a program that has its admin.
    detail = platform.get(f"/programs/{program.pk}/")
    assert "Send invitation" not in detail.text
    assert "only the program's own admins invite" in detail.text
    # Nor does the platform list the program's own staff invitations.
    services.invite_program_member(
        actor=world.users["a_admin"], program=program, email="new.staff@example.test"
    )
    assert "new.staff@example.test" not in platform.get(f"/programs/{program.pk}/").text


def test_a_first_admin_invitation_is_dead_once_the_program_has_an_admin(
    new_program, world, mailoutbox, django_capture_on_commit_callbacks
):
    """Two first-admin invitations went out (a typo, a second try): the first accepted makes the
    admin, and the other link no longer lets anyone in."""
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_first_admin(
            actor=world.users["hd1"], program=new_program, email="ana@example.test"
        )
        services.invite_first_admin(
            actor=world.users["hd1"], program=new_program, email="ana@example.tst"
        )
    first, second = (link_in(m) for m in mailoutbox)
    form = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    _site, response = _accept(first, form)
    assert response.status_code == 302
    _site, response = _accept(second, form)
    assert response.status_code == 200
    assert "the program has one now" in response.text
    assert list(
        Membership.objects.filter(program=new_program).values_list("user__email", flat=True)
    ) == ["ana@example.test"]
    with pytest.raises(OnboardingError, match="already has an admin"):
        services.invite_first_admin(
            actor=world.users["hd1"], program=new_program, email="third@example.test"
        )


def test_platform_accounts_are_never_invited_as_first_admin(new_program, world, client_for):
    platform = client_for(None, world.users["hd1"])
    for email in (
        "HD1@example.test",
        "hd2@example.test",
        "ta_x@example.test",
        "operator@example.test",
    ):
        response = platform.post(f"/programs/{new_program.pk}/invite/", {"email": email})
        assert response.status_code == 400
        assert "cannot join a program" in response.text
    operator = world.users["operator"]
    with pytest.raises(OnboardingError, match="cannot join a program"):
        services.invite_first_admin(actor=operator, program=new_program, email=operator.email)
    assert not Invitation.objects.filter(program=new_program).exists()


def test_a_first_admin_invitation_to_a_platform_account_cannot_be_accepted(new_program, world):
    """Even an invitation sent before the account held its platform role."""
    later_hd = User.objects.create_user(email="later.hd@example.test", password=PASSWORD)
    invitation = services.invite_first_admin(
        actor=world.users["hd1"], program=new_program, email=later_hd.email
    )
    Membership.objects.create(
        user=later_hd, role=Role.HEALTH_DEPARTMENT_ADMIN, health_department=world.departments["d1"]
    )
    _site, response = _accept(invitation.link, {"password": PASSWORD})
    assert response.status_code == 200
    assert "cannot join a program" in response.text
    assert not Membership.objects.filter(user=later_hd, program=new_program).exists()


def test_first_admin_invitation_works_and_its_admins_see_who_sent_every_invitation(
    new_program, world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    platform = client_for(None, world.users["hd1"])
    assert "Send invitation" in platform.get(f"/programs/{new_program.pk}/").text
    with django_capture_on_commit_callbacks(execute=True):
        response = platform.post(
            f"/programs/{new_program.pk}/invite/", {"email": "Robin@Example.test"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(program=new_program)
    assert invitation.role == Role.PROGRAM_ADMIN and invitation.first_admin
    _site, response = _accept(
        link_in(mailoutbox[0]), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    robin = Membership.objects.get(program=new_program, role=Role.PROGRAM_ADMIN).user
    assert robin.email == "robin@example.test"

    services.invite_program_member(
        actor=robin, program=new_program, email="kai@example.test", role=Role.PROGRAM_STAFF
    )
    staff_page = client_for(new_program, robin).get("/settings/staff/")
    assert staff_page.status_code == 200
    rows = staff_page.text.split("<tr>")
    robin_row = next(r for r in rows if r.startswith("<td>robin@example.test</td>"))
    assert "hd1@example.test" in robin_row and "health department, first admin" in robin_row
    assert "accepted" in robin_row
    kai_row = next(r for r in rows if r.startswith("<td>kai@example.test</td>"))
    assert "robin@example.test" in kai_row and "open" in kai_row
    assert host_of(new_program) == "northside.localhost"
