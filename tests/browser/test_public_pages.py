"""Issue 4, tried as people would: a participant files an anonymous complaint from a phone and
checks it with the tracking code; the how-it-works page and the poster render; a program admin
changes a policy setting and sees the warning beyond the field's recommendation."""

import re

import pytest
from django.db import connections, transaction
from django_tenants.utils import tenant_context

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def site(world, live_server_url):
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{world.programs['a'].slug}.localhost:{port}"


@pytest.fixture
def cleanup_program_a(world, live_db):
    """Remove the cases and policy versions a test committed in program A (their timelines and
    versions are append-only, so the triggers' refusal is lifted for the clean-up alone)."""
    from tenants.models import PolicyVersion
    from workflow.models import Case
    from workflow.retention import lift_append_only_guard

    program = world.programs["a"]
    with tenant_context(program):
        had_cases = set(Case.objects.values_list("pk", flat=True))
        had_policies = set(PolicyVersion.objects.values_list("pk", flat=True))
    yield
    # As the owner: the app role may not delete append-only rows, whatever it sets.
    owner = connections["owner"]
    owner.set_schema(program.schema_name)
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        lift_append_only_guard(cursor)
        Case.objects.using("owner").exclude(pk__in=had_cases).delete()
        PolicyVersion.objects.using("owner").exclude(pk__in=had_policies).delete()
    owner.set_schema_to_public()


def watch_console(page):
    """Collect console errors such as a CSP violation or a script error (a 400 answer to a form
    with mistakes, or the missing favicon, is not one)."""
    errors = []

    def seen(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    page.on("console", seen)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_participant_files_anonymously_from_a_phone_and_checks_the_status(
    site, new_page, screenshot, cleanup_program_a
):
    page = new_page(360, 740)
    errors = watch_console(page)
    page.goto(f"{site}/complaints/new/")
    page.get_by_role("heading", name="File a complaint").wait_for()
    screenshot(page, "public-file-complaint-phone")

    # Sent empty: the message sits beside the field.
    page.get_by_role("button", name="Send my complaint").click()
    page.get_by_text("Tell us what happened, in your own words.").wait_for()
    screenshot(page, "public-file-complaint-error-phone")

    page.get_by_label("What happened?").fill(
        "Someone grabbed my kit off the table and shoved me when I asked for it back."
    )
    page.get_by_label("Yesterday").check()
    page.get_by_label("Where? (optional)").fill("by the supply table")
    page.get_by_label("Theft").check()
    # The phone/email box appears only when a text or email is chosen.
    assert not page.get_by_label("Phone number or email address").is_visible()
    page.get_by_label("Text message").check()
    assert page.get_by_label("Phone number or email address").is_visible()
    page.get_by_label("No contact: I will check the status with my tracking code").check()
    page.get_by_role("button", name="Send my complaint").click()

    page.get_by_role("heading", name="Write this code down").wait_for()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    screenshot(page, "public-tracking-code-phone")
    assert page.get_by_role("button", name="Print this page").is_visible()

    page.get_by_role("link", name="Check a complaint").first.click()
    page.get_by_label("Your tracking code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Your page").wait_for()
    assert page.locator(".status-headline").inner_text() == "Received"
    assert "grabbed" not in page.content()
    screenshot(page, "public-status-phone")

    page.get_by_role("button", name="Close my page on this phone").click()
    page.get_by_label("Your tracking code").fill("ZZZZ-ZZZZ-ZZZZ")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Nothing opens with this code").wait_for()
    assert not errors, errors


def test_how_complaints_work_and_the_poster_render(site, new_page, screenshot, live_db):
    page = new_page(360, 740)
    errors = watch_console(page)
    page.goto(f"{site}/how-complaints-work/")
    page.get_by_role("heading", name="How complaints work at Program A").wait_for()
    assert "No one is ever banned for good." in page.content()
    screenshot(page, "public-how-complaints-work-phone")

    desk = new_page(1280, 900)
    errors += watch_console(desk)
    desk.goto(f"{site}/how-complaints-work/")
    screenshot(desk, "public-how-complaints-work")
    desk.get_by_role("link", name="Printable poster").click()
    qr = desk.get_by_role("img", name=re.compile("QR code that opens the page"))
    qr.wait_for()
    assert desk.evaluate("document.querySelector('.poster-qr img').naturalWidth") > 0
    assert f"{site}/complaints/new/" in desk.locator(".poster-url").inner_text()
    screenshot(desk, "public-poster")
    desk.emulate_media(media="print")
    assert not desk.locator(".topbar").is_visible()
    screenshot(desk, "public-poster-print")
    assert not errors, errors


def test_admin_changes_the_response_window_and_sees_the_warning(
    site, world, new_page, screenshot, cleanup_program_a
):
    page = new_page(1280, 900)
    errors = watch_console(page)
    sign_in(page, site, world.users["a_admin"], PASSWORD)  # with a code: program admins use 2FA
    page.wait_for_url(f"{site}/")

    page.goto(f"{site}/settings/policy/")
    page.get_by_role("heading", name="Policy settings").wait_for()
    warning = page.locator("#warn-response_window_days")
    assert not warning.is_visible()
    page.get_by_label("Response window (days)").fill("10")
    assert warning.is_visible()  # shown as soon as it is typed
    page.get_by_label("What changed and why (optional)").fill("Fewer staff over the winter")
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("Saved as version").wait_for()
    assert page.locator("#warn-response_window_days").is_visible()  # and after saving
    assert (
        "Beyond the field's recommendation of 7 days"
        in page.locator("#warn-response_window_days").inner_text()
    )
    assert "Fewer staff over the winter" in page.locator(".history").inner_text()
    screenshot(page, "admin-policy-settings")

    # A mistake is explained beside the field, and what was typed stays.
    page.get_by_label("Acknowledgement window (days)").fill("12")
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("Acknowledge within the response window").wait_for()
    assert page.get_by_label("Acknowledgement window (days)").input_value() == "12"
    screenshot(page, "admin-policy-settings-error")

    page.goto(f"{site}/settings/staff/")
    page.get_by_role("heading", name="Members").wait_for()
    screenshot(page, "admin-staff")
    phone = new_page(360, 740)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{site}/settings/staff/")
    screenshot(phone, "admin-staff-phone")
    phone.goto(f"{site}/settings/policy/")
    screenshot(phone, "admin-policy-settings-phone")
    assert not errors, errors


def test_a_long_pasted_complaint_is_refused_in_words_and_kept_whole(
    site, new_page, cleanup_program_a
):
    """The box has no `maxlength` (a browser would cut the paste without a word): the page
    says how long it may be and keeps everything the person wrote."""
    page = new_page(360, 740)
    page.goto(f"{site}/complaints/new/")
    words = ("They took my kit and pushed me at the table. " * 200)[:6_000]
    page.get_by_label("What happened?").fill(words)
    page.get_by_role("button", name="Send my complaint").click()
    page.get_by_text("Please keep it to 5,000 characters at most (it has 6,000).").wait_for()
    assert page.get_by_label("What happened?").input_value() == words
