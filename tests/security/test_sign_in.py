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
    # The operators' admin sign-in is under the same control.
    admin_page = Client().post(
        "/admin/login/", {"username": flooded, "password": PASSWORD}, REMOTE_ADDR="198.51.100.202"
    )
    assert "seconds and try again" in admin_page.text
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
    today = client.get("/")
    assert today.status_code == 200 and "My cases" in today.text  # their Today page, not a code


def _code(device):
    from django_otp.oath import TOTP

    return (
        f"{TOTP(device.bin_key, step=device.step, digits=device.digits).token():0{device.digits}d}"
    )


def _site_of(world, key):
    return host_of(world.programs["a"]) if key == "a_admin" else "localhost"


TWO_FACTOR_ROLES = ["operator", "ta_x", "hd1", "a_admin"]


@pytest.mark.parametrize("key", TWO_FACTOR_ROLES)
def test_a_password_alone_cannot_replace_the_second_factor(db, world, key):
    """The reported bypass, walked as an attacker with the password would: open the set-up
    page, read the new secret it shows, post a code from it. It must get them nowhere."""
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users[key]
    owners = TOTPDevice.objects.create(user=user, name="owner's phone", confirmed=True)
    attacker = Client(HTTP_HOST=_site_of(world, key))
    _try(attacker, user.email, PASSWORD, "203.0.113.30")
    assert _signed_in(attacker)

    page = attacker.get("/accounts/two-factor/setup/?next=/")
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page.content.decode())
    if secret:  # the page showed a secret: use it, as the attacker did
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        attacker.post("/accounts/two-factor/setup/", {"token": _code(device), "next": "/"})
    else:
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/accounts/two-factor/verify/")
        # Posting straight to the set-up page is refused the same way.
        answer = attacker.post("/accounts/two-factor/setup/", {"token": "123456"})
        assert answer.headers["Location"].startswith("/accounts/two-factor/verify/")

    assert TOTPDevice.objects.filter(pk=owners.pk, confirmed=True).exists()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    protected = attacker.get("/")
    assert protected.status_code == 302
    assert protected.headers["Location"].startswith("/accounts/two-factor/verify/")


def test_program_admins_must_use_two_factor(db, world):
    client = Client(HTTP_HOST=host_of(world.programs["a"]))
    _try(client, world.users["a_admin"].email, PASSWORD, "203.0.113.31")
    for path in ("/", "/program-data/", "/api/cases/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.headers["Location"].startswith("/accounts/two-factor/setup/"), path


def test_replacing_the_device_needs_a_code_from_the_current_one(db, world, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users["hd1"]
    client = client_for(None, user)  # signed in and verified with a device
    current = TOTPDevice.objects.get(user=user, confirmed=True)
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert "Code from the app you use now" in page.content.decode()
    new = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(
        "/accounts/two-factor/setup/", {"current_token": "000000", "token": _code(new)}
    )
    assert wrong.status_code == 200
    assert "did not match your current authenticator app" in wrong.content.decode()
    assert TOTPDevice.objects.filter(pk=current.pk).exists()

    # django-otp makes a device wait after a wrong code (1 s, doubling); a person retrying
    # would wait that long anyway.
    time.sleep(1.1)
    right = client.post(
        "/accounts/two-factor/setup/", {"current_token": _code(current), "token": _code(new)}
    )
    assert right.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]


def test_a_first_device_is_set_up_at_first_sign_in(db, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users["ta_x"]
    TOTPDevice.objects.filter(user=user).delete()
    client = Client(HTTP_HOST="localhost")
    _try(client, user.email, PASSWORD, "203.0.113.32")
    assert client.get("/accounts/two-factor/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    answer = client.post("/accounts/two-factor/setup/", {"token": _code(device), "next": "/"})
    assert answer.status_code == 302
    home = client.get("/", follow=True)  # TA staff land on the summaries
    assert home.status_code == 200 and home.redirect_chain == [("/summaries/", 302)]


def test_an_operator_resets_a_lost_device_and_it_is_logged(db, world, client_for):
    from django.contrib.admin.models import LogEntry
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    person = world.users["ta_x"]
    TOTPDevice.objects.create(user=person, name="lost phone", confirmed=True)
    root = User.objects.create_superuser(email="root-reset@example.test", password=PASSWORD)
    operator = client_for(None, root)
    answer = operator.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [person.pk]},
    )
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    entry = LogEntry.objects.filter(object_id=str(person.pk)).latest("action_time")
    assert "Reset two-factor sign-in" in entry.get_change_message()
