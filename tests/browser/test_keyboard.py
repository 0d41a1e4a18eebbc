"""The staff incident flow with the keyboard alone (WCAG 2.1.1): sign in, open "Record
incident", fill the form, choose a ban and its supply plan, save; no mouse, no tap."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.browser.test_staff_flow import site_url, staff_program  # noqa: F401 (fixture)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow

FOCUSED = """() => { const e = document.activeElement; if (!e) return '';
  const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';
  return (label || e.getAttribute('aria-label') || e.innerText || e.value || '').trim(); }"""


def tab_to(page, text, limit=80):
    """Press Tab until the focused element's label (or its text) starts with `text`; fails if
    the keyboard cannot get there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED).startswith(text):
            return
    raise AssertionError(f"Tab never reached “{text}”")


def test_record_an_incident_with_the_keyboard_alone(live_server_url, staff_program, new_page):  # noqa: F811
    from workflow.models import Ban

    program, users, _people = staff_program
    base = site_url(live_server_url, program)
    page = new_page(1280, 900)
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "Email address")
    page.keyboard.type(users["staff"].email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Today").wait_for()

    # The skip link comes first, then the way to the form.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Skip to content"
    tab_to(page, "Record incident")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Record an incident").wait_for()

    tab_to(page, "What happened")
    page.keyboard.type("Threw a chair near the kitchen.")
    tab_to(page, "Person who did harm")
    page.keyboard.type("SKY-2")
    page.keyboard.press("Escape")  # closes the suggestions, if any
    tab_to(page, "Threat")
    page.keyboard.press("Space")
    tab_to(page, "Low")  # a radio group is one stop: arrows move within it
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # High
    tab_to(page, "Nothing now")  # checked at first: the group's stop is the checked radio
    page.keyboard.press("ArrowDown")  # Temporary ban
    assert page.get_by_label("Temporary ban", exact=True).is_checked()
    tab_to(page, "How supplies reach them")
    page.keyboard.press("ArrowDown")  # the first way: bags offsite
    tab_to(page, "Supply plan details")
    page.keyboard.type("Bags at the side door, 10 am")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    page.get_by_text("Incident recorded with a temporary ban.").wait_for()

    with tenant_context(program):
        ban = Ban.objects.select_related("participant").get()
        assert ban.participant.code == "SKY-2"
        assert ban.supply_access_details == "Bags at the side door, 10 am"
    connection.set_schema_to_public()
