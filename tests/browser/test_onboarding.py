"""Issue 2, tried as a new user would: a health-department admin onboards a program in the
browser, invites its first admin, who sets a password and lands on the program's own site."""

import base64
import re
import uuid

import pytest
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


def totp_now(secret):
    """The code an authenticator app would show now for this key."""
    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.fixture
def cleanup_program():
    slugs = []
    yield slugs
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from organizations.models import Program
    from organizations.schemas import drop_program_schema

    for program in Program.objects.filter(slug__in=slugs):
        emails = list(program.invitations.values_list("email", flat=True))
        drop_program_schema(program.schema_name)
        program.delete()
        User.objects.filter(email__in=emails, memberships__isnull=True).delete()
    TOTPDevice.objects.filter(user__email="hd1@example.test").delete()


def test_health_department_admin_onboards_a_program_and_its_admin_signs_in(
    world, live_server_url, live_db, running_worker, new_page, screenshot, cleanup_program
):
    slug = f"brw-{uuid.uuid4().hex[:8]}"
    cleanup_program.append(slug)
    port = live_server_url.rsplit(":", 1)[1]
    page = new_page()

    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Email address").fill(world.users["hd1"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Health-department admins must turn on two-factor sign-in before anything else.
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    screenshot(page, "platform-two-factor-setup")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("6-digit code from your authenticator app").fill(totp_now(secret))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Your programs").wait_for()
    screenshot(page, "platform-dashboard")

    page.get_by_role("link", name="Add a program").click()
    page.get_by_label("Program name").fill("Riverside Syringe Services")
    page.get_by_label("Type of program").select_option("syringe_services")
    page.get_by_label("Address").fill(slug.upper())  # typed in capitals: folded to lowercase
    screenshot(page, "platform-add-program")
    page.get_by_role("button", name="Add program").click()

    page.get_by_text("Ready.").wait_for(timeout=30_000)
    screenshot(page, "platform-program-ready")
    site_url = f"http://{slug}.localhost:{port}/"
    assert page.get_by_role("link", name=site_url).count() == 1

    mail.outbox.clear()
    page.get_by_label("Email address").fill(f"first-admin-{slug}@example.test")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to").wait_for()
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(site_url)

    invited = new_page()
    invited.goto(link)
    invited.get_by_label("Your name").fill("Robin Example")
    invited.get_by_label("Password", exact=True).fill("a-long-new-password-9")
    invited.get_by_label("Password again").fill("a-long-new-password-9")
    screenshot(invited, "program-accept-invitation")
    invited.get_by_role("button", name="Accept and sign in").click()
    # A program admin can export the whole program: two-factor sign-in comes first.
    invited.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    secret = invited.locator("code.secret").inner_text()
    invited.get_by_label("6-digit code from your authenticator app").fill(totp_now(secret))
    invited.get_by_role("button", name="Turn on").click()
    invited.get_by_role("heading", name="Today").wait_for()
    assert invited.url == site_url
    assert "Riverside Syringe Services" in invited.content()
    # A new program's admin sees what to set up; inviting staff is still to do (their own
    # invitation does not count).
    invited.get_by_role("heading", name="Getting started").wait_for()
    assert invited.get_by_role("link", name="Invite your staff").count() == 1
    screenshot(invited, "program-home-after-invitation")

    # The link works once.
    again = new_page()
    again.goto(link)
    assert "already been used" in again.content()
