"""The bell on a program's staff pages, on a phone: count, list, mark read."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


def test_staff_member_sees_reminders_under_the_bell_and_marks_one_read(
    world, program_a, live_server_url, live_db, new_page, screenshot
):
    from notifications.models import Notification

    staff = world.users["a_staff2"]
    made = [
        Notification.objects.create(
            user=staff, program=program_a, kind=kind, case_id=case_id, title=title
        )
        for kind, case_id, title in (
            ("response_overdue", 12, "Case 12: response overdue (it was due 3/11/2026 09:00)"),
            ("hearing_upcoming", 14, "Case 14: hearing on 3/12/2026 10:30"),
        )
    ]
    try:
        port = live_server_url.rsplit(":", 1)[1]
        site = f"http://{program_a.slug}.localhost:{port}"
        page = new_page(width=390, height=844)
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Email address").fill(staff.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        bell = page.locator("details.bell")
        bell.locator(".bell-count").wait_for()
        assert bell.locator(".bell-count").inner_text() == "2"
        bell.locator("summary").click()
        page.get_by_text("Case 14: hearing on").wait_for()
        screenshot(page, "notifications-bell-open-phone")
        bell.locator("form", has_text="Case 14").get_by_role("button", name="Mark read").click()
        page.get_by_role("heading", name="Notifications").wait_for()
        assert page.locator(".bell-count").inner_text() == "1"
        screenshot(page, "notifications-list-phone")
    finally:
        Notification.objects.filter(pk__in=[n.pk for n in made]).delete()
