"""Brute force and second factor at sign-in, on the platform site and on a program site:
repeated failures lock the account (from any address) and, separately, the address (for any
account); operators, TA staff and health-department admins cannot get past sign-in without a
TOTP code; program staff may sign in with a password alone."""

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
def test_account_locks_after_repeated_failures_from_any_address(db, world, site):
    client = Client(HTTP_HOST=_host(world, site))
    email = world.users["a_staff"].email
    for n in range(settings.AXES_FAILURE_LIMIT):
        # Changing the case of the address does not start a fresh count.
        typed = email.upper() if n % 2 else email
        answer = _try(client, typed, "wrong-password", f"198.51.100.{n + 1}")
        assert not _signed_in(client)
    # Right password, fresh address: the account itself is locked.
    answer = _try(client, email, PASSWORD, "203.0.113.9")
    assert answer.status_code == 429 and not _signed_in(client)
    assert "Too many attempts" in answer.content.decode()
    # Another account is not affected by this one's lock.
    other = Client(HTTP_HOST=_host(world, site))
    assert _try(other, world.users["a_admin"].email, PASSWORD, "203.0.113.9").status_code == 302


@pytest.mark.parametrize("site", ["platform", "program"])
def test_address_locks_after_failures_on_many_accounts(db, world, site):
    client = Client(HTTP_HOST=_host(world, site))
    address = "198.51.100.77"
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try(client, f"nobody{n}@example.test", "wrong-password", address)
    # A real account with its right password, from the locked address: refused.
    answer = _try(client, world.users["a_admin"].email, PASSWORD, address)
    assert answer.status_code == 429 and not _signed_in(client)
    # The same account from another address still signs in.
    other = Client(HTTP_HOST=_host(world, site))
    answer = _try(other, world.users["a_admin"].email, PASSWORD, "203.0.113.10")
    assert answer.status_code == 302 and _signed_in(other)


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
