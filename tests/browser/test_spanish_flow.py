"""Issue 17 in real Chromium: a Spanish-speaking participant files a complaint on a phone in
Spanish; staff read it and acknowledge it in English; the participant reads their notice, in
Spanish, on their own page, and the poster in Spanish; every page passes the WCAG scan."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.browser import test_staff_flow
from tests.browser.test_accessibility import _violations as wcag_violations
from tests.browser.test_staff_flow import sign_in, site_url

staff_program = test_staff_flow.staff_program

pytestmark = pytest.mark.slow

SPANISH = {"locale": "es-US", "extra_http_headers": {"Accept-Language": "es-US,es;q=0.9"}}


def test_a_spanish_speaker_files_staff_read_english_and_the_notice_is_spanish(
    staff_program, live_server_url, new_page, screenshot
):
    from workflow.models import Case, CaseParty, Notice

    program, users, _people = staff_program
    base = site_url(live_server_url, program)
    phone = new_page(360, 740, **SPANISH)

    phone.goto(f"{base}/")
    assert phone.evaluate("document.documentElement.lang") == "es"
    phone.get_by_role("link", name="Poner una queja").click()
    phone.get_by_label("¿Qué pasó?").fill("Alguien se llevó mi mochila en el baño.")
    assert not wcag_violations(phone)
    phone.get_by_role("button", name="Mandar mi queja").click()
    phone.get_by_role("heading", name="Anote este código").wait_for()
    code = phone.locator(".tracking-code").inner_text().strip()
    screenshot(phone, "spanish-filed-phone")

    # Staff read it in English, the participant's words as they wrote them.
    desk = new_page(1280, 900, extra_http_headers={"Accept-Language": "en"})
    sign_in(desk, base, users["staff"])
    with tenant_context(program):
        case = Case.objects.get(tracking_code=code)
        assert CaseParty.objects.get(case=case).language == "es"
    connection.set_schema_to_public()
    desk.goto(f"{base}/cases/{case.pk}/")
    assert desk.evaluate("document.documentElement.lang") == "en"
    assert desk.get_by_text("Alguien se llevó mi mochila en el baño.").count() >= 1
    desk.get_by_role("button", name="Acknowledge and prepare notices").click()
    desk.get_by_text("Acknowledged: a notice is ready for each party.").wait_for()

    # The notice went out in Spanish: on their own page, opened with the code.
    with tenant_context(program):
        text = Notice.objects.get(case=case).text
    connection.set_schema_to_public()
    assert "Usted puso una queja el" in text and "Sus derechos" in text
    phone.goto(f"{base}/")
    phone.get_by_role("link", name="Ver cómo va una queja").click()
    phone.get_by_label("Su código").fill(code)
    phone.get_by_role("button", name="Ver", exact=True).click()
    phone.get_by_role("heading", name="Sus avisos").wait_for()
    notice = phone.locator(".notice").first.inner_text()
    assert "Usted puso una queja el" in notice and "No tiene que participar" in notice
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not wcag_violations(phone)
    screenshot(phone, "spanish-own-page-phone")

    # The poster, in Spanish, on the phone.
    phone.goto(f"{base}/how-complaints-work/poster/")
    phone.get_by_role("heading", name="¿Pasó algo que no estuvo bien?").wait_for()
    assert not wcag_violations(phone)
    screenshot(phone, "spanish-poster-phone")
