"""Staff pages and the membership services: invite, change roles, remove; a program always
keeps an admin; only program admins manage staff, and only their own program's."""

import pytest
from django.core import mail

from accounts.models import Membership, Role
from organizations.models import Invitation
from tenants.errors import DomainError, NotPermitted
from tenants.staff import change_member_role, invite_member, remove_member

URL = "/settings/staff/"


@pytest.fixture
def members(db, program_a):
    return {m.user.email.split("@")[0]: m for m in Membership.objects.filter(program=program_a)}


def test_only_program_admins_reach_the_staff_pages(db, program_a, client_for, world, members):
    assert client_for(program_a, world.users["a_admin"]).get(URL).status_code == 200
    target = members["a_staff2"].pk
    for key in ("a_lead", "a_staff"):
        client = client_for(program_a, world.users[key])
        assert client.get(URL).status_code == 403
        assert client.post(f"{URL}invite/", {"email": "x@example.test"}).status_code == 403
        assert (
            client.post(f"{URL}{target}/role/", {f"m{target}-role": "program_admin"}).status_code
            == 403
        )
        assert client.post(f"{URL}{target}/remove/").status_code == 403
    assert client_for(program_a, world.users["b_admin"]).get(URL).status_code == 404
    assert Membership.objects.get(pk=target).role == Role.PROGRAM_STAFF


def test_staff_page_lists_members_and_roles(db, program_a, client_for, world):
    page = client_for(program_a, world.users["a_admin"]).get(URL).content.decode()
    for key in ("a_admin", "a_lead", "a_staff", "a_staff2"):
        assert world.users[key].email in page
    assert "b_admin@example.test" not in page
    assert '<option value="program_lead" selected>' in page


def test_invite_sends_an_email_with_the_role(db, program_a, client_for, world):
    mail.outbox.clear()
    client = client_for(program_a, world.users["a_admin"])
    with_commit = client.post(
        f"{URL}invite/", {"email": "New.Worker@Example.test", "role": "program_lead"}
    )
    assert with_commit.status_code == 302
    invitation = Invitation.objects.get(program=program_a, email="new.worker@example.test")
    assert invitation.role == "program_lead" and invitation.invited_by == world.users["a_admin"]
    page = client.get(URL).content.decode()
    assert "Invitation sent to new.worker@example.test" in page
    assert "Program lead" in page  # listed among invitations not yet accepted


def test_invite_errors_are_shown_beside_the_field(db, program_a, client_for, world):
    client = client_for(program_a, world.users["a_admin"])
    response = client.post(f"{URL}invite/", {"email": "not an email", "role": "program_staff"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address" in page and 'value="not an email"' in page
    response = client.post(
        f"{URL}invite/", {"email": "a_staff@example.test", "role": "program_staff"}
    )
    assert response.status_code == 400
    assert "already a member of this program" in response.content.decode()


def test_admin_changes_a_role(db, program_a, client_for, world, members):
    target = members["a_staff2"]
    client = client_for(program_a, world.users["a_admin"])
    response = client.post(f"{URL}{target.pk}/role/", {f"m{target.pk}-role": "program_lead"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.PROGRAM_LEAD


def test_the_last_admin_cannot_step_down_or_leave(db, program_a, client_for, world, members):
    me = members["a_admin"]
    client = client_for(program_a, world.users["a_admin"])
    response = client.post(f"{URL}{me.pk}/role/", {f"m{me.pk}-role": "program_staff"})
    assert response.status_code == 400
    assert "only admin" in response.content.decode()
    response = client.post(f"{URL}{me.pk}/remove/")
    assert response.status_code == 400
    me.refresh_from_db()
    assert me.role == Role.PROGRAM_ADMIN


def test_admin_removes_a_member_who_then_loses_access(db, program_a, client_for, world, members):
    target = members["a_staff2"]
    client = client_for(program_a, world.users["a_admin"])
    confirm = client.get(f"{URL}{target.pk}/remove/")
    assert (
        confirm.status_code == 200 and "Remove a_staff2@example.test?" in confirm.content.decode()
    )
    assert client.post(f"{URL}{target.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert client_for(program_a, world.users["a_staff2"]).get("/").status_code == 404


def test_with_a_second_admin_an_admin_may_leave(db, program_a, client_for, world, members):
    change_member_role(
        actor=world.users["a_admin"],
        program=program_a,
        membership_id=members["a_lead"].pk,
        role=Role.PROGRAM_ADMIN,
    )
    me = members["a_admin"]
    client = client_for(program_a, world.users["a_admin"])
    response = client.post(f"{URL}{me.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=me.pk).exists()


def test_services_refuse_non_admins_and_other_programs(db, program_a, program_b, world, members):
    target = members["a_staff2"].pk
    for actor in (world.users["a_lead"], world.users["a_staff"], world.users["b_admin"]):
        with pytest.raises(NotPermitted):
            change_member_role(
                actor=actor, program=program_a, membership_id=target, role=Role.PROGRAM_ADMIN
            )
        with pytest.raises(NotPermitted):
            remove_member(actor=actor, program=program_a, membership_id=target)
        with pytest.raises(NotPermitted):
            invite_member(
                actor=actor, program=program_a, email="x@example.test", role=Role.PROGRAM_STAFF
            )
    # An admin of program B cannot reach program A's memberships through program B.
    with pytest.raises(DomainError):
        remove_member(actor=world.users["b_admin"], program=program_b, membership_id=target)
    with pytest.raises(DomainError):
        change_member_role(
            actor=world.users["a_admin"], program=program_a, membership_id=target, role="ta_staff"
        )
    assert Membership.objects.get(pk=target).role == Role.PROGRAM_STAFF
