"""Accepting an invitation with an existing account's password is throttled like sign-in
(issue 13): five wrong passwords from one address lock that address out of the account, and a
flood from many addresses slows the name down."""

import secrets
from urllib.parse import urlsplit

from django.test import Client

from accounts.models import Membership, Role, User
from organizations import services
from tests.conftest import PASSWORD, host_of


def _invitation_path(world, email):
    invitation = services.invite_program_member(
        actor=world.users["a_admin"],
        program=world.programs["a"],
        email=email,
        role=Role.PROGRAM_STAFF,
    )
    return urlsplit(invitation.link).path


def _accept(world, path, password, address):
    client = Client(HTTP_HOST=host_of(world.programs["a"]))
    return client.post(path, {"password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_on_an_invitation_lock_the_address(db, world, settings):
    b_staff = world.users["b_staff"]
    path = _invitation_path(world, b_staff.email)
    answer = _accept(world, path, "wrong-password", "198.51.100.70")
    assert answer.status_code == 200
    assert "enter its password to accept" in answer.text
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _accept(world, path, "wrong-password", "198.51.100.70")
    # The right password from that address: refused, like a sign-in.
    answer = _accept(world, path, PASSWORD, "198.51.100.70")
    assert answer.status_code == 429
    assert not Membership.objects.filter(user=b_staff, program=world.programs["a"]).exists()
    # Its owner, elsewhere, accepts.
    assert _accept(world, path, PASSWORD, "203.0.113.70").status_code == 302
    assert Membership.objects.filter(user=b_staff, program=world.programs["a"]).exists()


def test_an_invitation_under_a_flood_slows_down(db, world, settings):
    settings.SIGN_IN_FLOOD_FAILURES = 4
    settings.SIGN_IN_FLOOD_INTERVAL = 60
    email = f"joiner-{secrets.token_hex(4)}@example.test"
    User.objects.create_user(email=email, password=PASSWORD)
    path = _invitation_path(world, email)
    for n in range(settings.SIGN_IN_FLOOD_FAILURES + 1):
        assert _accept(world, path, "wrong", f"198.51.100.{80 + n}").status_code == 200
    answer = _accept(world, path, PASSWORD, "198.51.100.99")
    assert answer.status_code == 429
    assert "seconds and try again" in answer.text
    assert not Membership.objects.filter(user__email=email).exists()
