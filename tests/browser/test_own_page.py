"""Issue 15 in real Chromium: an anonymous complaint filed on a 360 px phone is acknowledged by
staff; the filer reads the notice and files an appeal from their own page; a printed notice
carries only its own party's words."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.browser import test_staff_flow
from tests.browser.test_accessibility import _violations as wcag_violations
from tests.browser.test_public_pages import watch_console
from tests.browser.test_staff_flow import sign_in, site_url

# The fresh program with its staff and two participants that the staff-flow tests use.
staff_program = test_staff_flow.staff_program

pytestmark = pytest.mark.slow


def test_an_anonymous_filer_reads_the_notice_and_appeals_from_a_phone(
    staff_program, live_server_url, new_page, screenshot
):
    from workflow import services
    from workflow.models import Appeal, Case, CaseParty, Notice

    program, users, people = staff_program
    base = site_url(live_server_url, program)
    phone = new_page(360, 740)
    errors = watch_console(phone)

    # The front door leads to the form.
    phone.goto(f"{base}/")
    phone.get_by_role("link", name="File a complaint").click()
    phone.get_by_label("What happened?").fill("My bag was taken while I was in the bathroom.")
    phone.get_by_label("Secret words (optional)").fill("green heron")
    phone.get_by_role("button", name="Send my complaint").click()
    phone.get_by_role("heading", name="Write this code down").wait_for()
    code = phone.locator(".tracking-code").inner_text().strip()

    # Staff acknowledge it on the case page: the filer is a party, so the notice is written.
    desk = new_page(1280, 900)
    sign_in(desk, base, users["staff"])
    with tenant_context(program):
        case = Case.objects.get(tracking_code=code)
    connection.set_schema_to_public()
    desk.goto(f"{base}/cases/{case.pk}/")
    desk.get_by_role("button", name="Acknowledge and prepare notices").click()
    desk.get_by_text("anonymous").first.wait_for()
    assert "Add the people involved as parties first" not in desk.content()

    # Days later, on a borrowed phone: the code and the passphrase open the filer's page.
    borrowed = new_page(360, 740)
    errors += watch_console(borrowed)
    borrowed.goto(f"{base}/")
    borrowed.get_by_role("link", name="Check on a complaint").click()
    borrowed.get_by_label("Your tracking code").fill(code.lower())
    borrowed.get_by_label("Your secret words, if you chose some").fill("green heron")
    borrowed.get_by_role("button", name="Check").click()
    borrowed.get_by_role("heading", name="Your page").wait_for()
    assert borrowed.locator(".status-headline").inner_text() == "Being looked into"
    notice = borrowed.locator(".notice").first
    assert "You filed a complaint on" in notice.inner_text()
    assert "You do not have to take part." in notice.inner_text()
    assert borrowed.evaluate("document.documentElement.scrollWidth") <= 360
    assert not wcag_violations(borrowed)  # WCAG 2.1 AA, as axe-core reads it
    screenshot(borrowed, "own-page-notice-phone")

    borrowed.get_by_label("Your statement", exact=True).fill("It was a blue backpack with my meds.")
    borrowed.get_by_role("button", name="Add my statement").click()
    borrowed.get_by_text("Your statement was added").wait_for()
    borrowed.get_by_label("Their name, or what people call them").fill("Aunt Jo")
    borrowed.get_by_role("button", name="Name this person").click()
    borrowed.get_by_text("The person you named is on record.").wait_for()

    with tenant_context(program):
        services.start_investigation(actor=users["lead"], case=case, investigator=users["staff2"])
        services.decide_case(
            actor=users["lead"],
            case=case,
            reasons="Staff only: camera footage reviewed.",
            harmed_person_heard=False,
            not_heard_reason="unreachable",
            actions=[],
        )
    connection.set_schema_to_public()

    borrowed.reload()
    borrowed.get_by_role("heading", name="Decision and how to appeal").wait_for()
    assert "camera footage" not in borrowed.content()
    borrowed.get_by_label("What you disagree with, and why").fill("Nobody asked me what happened.")
    screenshot(borrowed, "own-page-appeal-phone")
    borrowed.get_by_role("button", name="File my appeal").click()
    borrowed.get_by_text("Your appeal was filed.").wait_for()
    assert "An appeal is being looked at now." in borrowed.content()

    with tenant_context(program):
        appeal = Appeal.objects.get(case=case)
        filer = CaseParty.objects.get(case=case, kind="filer")
        assert appeal.filed_by == filer and appeal.recorded_by_id is None
        services.decide_appeal(
            actor=users["admin"],
            appeal=appeal,
            outcome="upheld",
            reasons="Internal: footage clear.",
            reasons_for_parties="The bag was returned to the front desk.",
        )
        assert Notice.objects.filter(party=filer).count() == 3
    connection.set_schema_to_public()
    borrowed.reload()
    borrowed.get_by_role("heading", name="Appeal outcome").wait_for()
    assert "The bag was returned to the front desk." in borrowed.content()
    assert "footage" not in borrowed.content()
    screenshot(borrowed, "own-page-appeal-outcome-phone")

    # Staff finish the follow-ups and close the case; the filer's page says so.
    with tenant_context(program):
        for follow_up in case.follow_ups.all():
            services.waive_follow_up(
                actor=users["lead"], follow_up=follow_up, reason="Filer is anonymous."
            )
        services.close_case(actor=users["lead"], case=case)
    connection.set_schema_to_public()
    borrowed.reload()
    assert borrowed.locator(".status-headline").inner_text() == "Closed"
    assert borrowed.get_by_role("button", name="Add my statement").count() == 0
    screenshot(borrowed, "own-page-closed-phone")

    desk.goto(f"{base}/cases/{case.pk}/timeline/")
    assert "(on their own page)" in desk.content()
    assert not errors, errors


def test_a_printed_notice_carries_only_its_party(
    staff_program, live_server_url, new_page, screenshot
):
    from workflow import services
    from workflow.models import Notice, PartyRole

    program, users, people = staff_program
    base = site_url(live_server_url, program)
    with tenant_context(program):
        case = services.report_case(
            actor=users["staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=1),
            narrative="MK-NARRATIVE threat at the supply table",
            categories=["threat"],
            severity="high",
            location="MK-LOCATION",
            parties=[
                {"role": PartyRole.HARMED_PERSON, "participant": people["river"]},
                {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": people["sky"]},
            ],
        )
        services.impose_ban(
            actor=users["staff"],
            case=case,
            participant=people["sky"],
            reason="MK-BANREASON",
            days=5,
            supply_access_plan="offsite_bags",
            supply_access_details="MK-MEALS with the case manager",
        )
        services.acknowledge_case(actor=users["staff"], case=case)
        notice = Notice.objects.get(case=case, party__participant=people["river"])
    connection.set_schema_to_public()

    desk = new_page(1280, 900)
    sign_in(desk, base, users["staff"])
    desk.goto(f"{base}/cases/{case.pk}/")
    assert "MK-" in desk.content()
    desk.locator(f'a[href="/cases/{case.pk}/notices/{notice.pk}/print/"]').click()
    desk.get_by_role("heading", name="Notice of the process, rights and timeline").wait_for()
    desk.emulate_media(media="print")
    assert not desk.locator(".topbar").is_visible()
    text = desk.locator("main").inner_text()
    assert "RIV-1 (River)" in text and "Your rights" in text
    assert not re.findall(r"MK-\w+|SKY-2", desk.content())
    screenshot(desk, "notice-print")
    desk.emulate_media(media="screen")
    assert not wcag_violations(desk)
