"""Brute force and second factor at sign-in, on the platform site and on a program site:
repeated failures lock a user name at the address they came from; a flood on one name from many
addresses slows that name down without locking its owner out; operators, TA staff and
health-department admins cannot get past sign-in without a TOTP code; program staff may sign in
with a password alone."""

import secrets
import time

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD, host_of

LOGIN = "/accounts/login/"


def _host(world, site):
    return host_of(world.programs["a"]) if site == "program" else "localhost"


def _try(client, email, password, address):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def _signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("site", ["platform", "program"])
def test_a_user_name_locks_from_the_address_that_failed_not_elsewhere(db, world, site):
    """The lock is on the user name and address pair: five wrong passwords from anywhere do
    not lock the owner out (issue 13)."""
    client = Client(HTTP_HOST=_host(world, site))
    email = world.users["a_staff"].email
    for n in range(settings.AXES_FAILURE_LIMIT):
        # Changing the case of the address does not start a fresh count.
        typed = email.upper() if n % 2 else email
        _try(client, typed, "wrong-password", "198.51.100.1")
        assert not _signed_in(client)
    # Right password, same address: locked.
    answer = _try(client, email, PASSWORD, "198.51.100.1")
    assert answer.status_code == 429 and not _signed_in(client)
    assert "Too many attempts" in answer.content.decode()
    # The owner, from another address: signs in.
    owner = Client(HTTP_HOST=_host(world, site))
    assert _try(owner, email, PASSWORD, "203.0.113.9").status_code == 302 and _signed_in(owner)
    # Another account at the locked address is not affected.
    other = Client(HTTP_HOST=_host(world, site))
    answer = _try(other, world.users["a_admin"].email, PASSWORD, "198.51.100.1")
    assert answer.status_code == 302 and _signed_in(other)


@pytest.fixture
def flooded(db, settings):
    """An account whose user name has had SIGN_IN_FLOOD_FAILURES failures from as many
    addresses, each pair below the lock; its owner signed in from 192.0.2.50 before."""
    from accounts.models import User

    settings.SIGN_IN_FLOOD_FAILURES = 8
    settings.SIGN_IN_FLOOD_INTERVAL = 2
    email = f"flooded-{secrets.token_hex(4)}@example.test"
    User.objects.create_user(email=email, password=PASSWORD)
    assert _try(Client(), email, PASSWORD, "192.0.2.50").status_code == 302
    for n in range(settings.SIGN_IN_FLOOD_FAILURES):
        answer = _try(Client(), email, "wrong-password", f"198.51.100.{100 + n}")
        assert answer.status_code == 200
    return email


def test_a_flood_from_many_addresses_slows_the_user_name_down(flooded, world, settings):
    # One attempt per interval, from any new address...
    assert _try(Client(), flooded, "wrong-password", "198.51.100.200").status_code == 200
    owner_elsewhere = Client()
    answer = _try(owner_elsewhere, flooded, PASSWORD, "198.51.100.201")
    assert answer.status_code == 429 and not _signed_in(owner_elsewhere)
    assert "Wait" in answer.content.decode() and "seconds and try again" in answer.text
    # ...while another user name is not slowed at all.
    other = Client()
    assert _try(other, world.users["a_lead"].email, PASSWORD, "198.51.100.201").status_code == 302
    # The owner is not locked out: from where they signed in before, at once...
    at_home = Client()
    assert _try(at_home, flooded, PASSWORD, "192.0.2.50").status_code == 302
    assert _signed_in(at_home)
    # ...and from anywhere once the interval has passed.
    time.sleep(settings.SIGN_IN_FLOOD_INTERVAL + 0.2)
    assert _try(owner_elsewhere, flooded, PASSWORD, "198.51.100.201").status_code == 302
    assert _signed_in(owner_elsewhere)


def test_a_slowed_down_name_reveals_no_account(db, settings):
    """Names are counted as typed: one with no account is slowed down the same way."""
    settings.SIGN_IN_FLOOD_FAILURES = 3
    settings.SIGN_IN_FLOOD_INTERVAL = 60
    email = f"nobody-{secrets.token_hex(4)}@example.test"
    for n in range(4):
        assert _try(Client(), email, "wrong", f"198.51.100.{50 + n}").status_code == 200
    answer = _try(Client(), email, "wrong", "198.51.100.60")
    assert answer.status_code == 429 and "seconds and try again" in answer.text


@pytest.mark.parametrize("key", ["operator", "ta_x", "hd1"])
def test_two_factor_is_required_for_operator_ta_and_department_admin(db, world, key):
    client = Client(HTTP_HOST="localhost")
    answer = _try(client, world.users[key].email, PASSWORD, "203.0.113.20")
    assert answer.status_code == 302 and _signed_in(client)
    # Signed in with a password only: every page sends them to set up a second factor.
    for path in ("/", "/programs/add/", "/admin/", "/api/schema/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page.headers["Location"].startswith("/accounts/two-factor/setup/"), path


def test_second_factor_code_is_asked_once_a_device_exists(db, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users["hd1"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client(HTTP_HOST="localhost")
    _try(client, user.email, PASSWORD, "203.0.113.21")
    page = client.get("/")
    assert page.headers["Location"].startswith("/accounts/two-factor/verify/")
    wrong = client.post("/accounts/two-factor/verify/", {"token": "000000"})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    assert client.get("/").status_code == 302


def test_program_staff_may_sign_in_with_a_password_alone(db, world):
    client = Client(HTTP_HOST=host_of(world.programs["a"]))
    _try(client, world.users["a_staff"].email, PASSWORD, "203.0.113.22")
    assert client.get("/").status_code == 200
