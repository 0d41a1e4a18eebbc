"""Issue 14 in real Chromium: a supply log kept from the case page, the door list read on a
phone and printed on one sheet, and the banned person's letter printed on one page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.browser.test_staff_flow import sign_in, site_url, staff_program  # noqa: F401

pytestmark = pytest.mark.slow

SUPPLY_DETAILS = "Bag at the side door, 9 to 11 each morning"


def pdf_pages(page):
    """How many sheets the page prints on (A4, the browser's print styles)."""
    pdf = page.pdf(format="A4", print_background=False)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_door_list_supply_log_and_letter(
    live_server_url,
    staff_program,  # noqa: F811  (the fixture imported above)
    new_page,
    screenshot,
):
    from workflow import services
    from workflow.models import Ban, PartyRole

    program, users, people = staff_program
    with tenant_context(program):
        cases = []
        for n in range(12):  # a busy week: a dozen people away at once
            person = people["sky"] if n == 0 else None
            if person is None:
                from tenants.models import Participant

                person = Participant.objects.create(code=f"P-{n:03d}", alias=f"Alias {n}")
            case = services.report_case(
                actor=users["staff"],
                kind="incident",
                occurred_at=timezone.now() - timedelta(hours=1),
                narrative="NARRATIVE-MARKER: shouting at the table",
                categories=["threat"],
                severity="moderate",
                parties=[
                    {"role": PartyRole.HARMED_PERSON, "participant": people["river"]},
                    {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": person},
                ],
            )
            services.impose_ban(
                actor=users["staff"],
                case=case,
                participant=person,
                reason="Threats",
                days=8 if n == 0 else 3 + n % 5,
                starts_at=timezone.now() - timedelta(days=4 if n == 0 else 0),
                supply_access_plan="offsite_bags",
                supply_access_details=SUPPLY_DETAILS,
            )
            cases.append(case)
        sky_ban = Ban.objects.get(participant=people["sky"])
    connection.set_schema_to_public()
    base = site_url(live_server_url, program)

    # The case page: no supplies logged for four days shows; staff log a bag given today.
    staff = new_page()
    sign_in(staff, base, users["staff"])
    assert staff.get_by_text("No supplies recorded for 4 days").count() == 1
    staff.goto(f"{base}/cases/{cases[0].pk}/")
    staff.get_by_text("No supplies recorded for 4 days.").wait_for()
    staff.locator("summary", has_text="Log supplies given").click()
    form = staff.locator(f"#form-log_supply_contact-{sky_ban.pk}")
    form.get_by_label("How").select_option("offsite_bag")
    form.get_by_label("Note (optional)").fill("Took two bags")
    form.get_by_role("button", name="Log supplies").click()
    staff.get_by_text("Supplies logged.").wait_for()
    assert staff.locator(".supply-log", has_text="Took two bags").count() == 1
    screenshot(staff, "staff-ban-supply-log")
    staff.goto(f"{base}/")
    assert staff.get_by_text("No supplies recorded").count() == 0

    # The door list on a phone: everyone away, one line each, nothing wider than the screen.
    phone = new_page(360, 740, is_mobile=True, has_touch=True)
    sign_in(phone, base, users["staff2"])
    phone.get_by_role("link", name="Door list").first.click()
    phone.get_by_role("heading", name=re.compile("door list")).wait_for()
    rows = phone.locator(".door-row")
    assert rows.count() == 12
    assert rows.filter(has_text="SKY-2 (Sky)").filter(has_text=SUPPLY_DETAILS).count() == 1
    assert phone.get_by_text("NARRATIVE-MARKER").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "phone-door-list")
    phone.emulate_media(media="print")
    screenshot(phone, "door-list-print")
    assert pdf_pages(phone) == 1

    # The letter for SKY-2: one printed page, their date and supplies, nobody else.
    staff.goto(f"{base}/cases/{cases[0].pk}/")
    staff.get_by_role("link", name="Letter for the person (print)").click()
    staff.get_by_role("heading", name="A break from the space").wait_for()
    text = staff.locator("article.letter").inner_text()
    end = timezone.localtime(sky_ban.ends_at)
    assert f"{end:%A} {end.day} {end:%B %Y}" in text and SUPPLY_DETAILS in text
    assert "RIV-1" not in text and "River" not in text and "NARRATIVE-MARKER" not in text
    staff.emulate_media(media="print")
    screenshot(staff, "ban-letter-print")
    assert pdf_pages(staff) == 1
