"""The case page in real Chromium on a phone: an evidence photo shows as a thumbnail, loaded
through its preview address (checked as the download is, covered by the page's read); steps
post in the background and swap in the updated page (no full reload), and a step still works
with JavaScript off."""

import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.browser import test_staff_flow as staff_flow
from tests.browser.test_staff_flow import sign_in, site_url

staff_program = staff_flow.staff_program  # the same fresh program per test

pytestmark = pytest.mark.slow


def png(width=48, height=32, rgb=(200, 40, 40)):
    """A small real PNG (no imaging library needed)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def reported_case(program, users, people, investigating=False):
    from workflow import services
    from workflow.models import PartyRole
    from workflow.services import report_case

    with tenant_context(program):
        case = report_case(
            actor=users["staff"],
            kind="incident",
            occurred_at=timezone.now() - timedelta(hours=2),
            narrative="Shouting at the locker row; a lock was broken.",
            categories=["property_damage"],
            severity="moderate",
            location="lockers",
            parties=[
                {"role": PartyRole.HARMED_PERSON, "participant": people["river"]},
                {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": people["sky"]},
            ],
        )
        if investigating:  # evidence and statements are added while investigating
            services.acknowledge_case(actor=users["staff"], case=case)
            services.start_investigation(
                actor=users["lead"], case=case, investigator=users["staff2"]
            )
    connection.set_schema_to_public()
    return case


def test_a_photo_attached_on_a_phone_shows_as_a_thumbnail_without_a_reload(
    live_server_url, staff_program, new_page, screenshot
):
    program, users, people = staff_program
    base = site_url(live_server_url, program)
    case = reported_case(program, users, people, investigating=True)
    phone = new_page(360, 740, is_mobile=True, has_touch=True)
    sign_in(phone, base, users["staff"])
    phone.goto(f"{base}/cases/{case.pk}/")
    phone.evaluate("window.notReloaded = true")
    documents = []
    phone.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))

    phone.locator("summary", has_text="Attach evidence").first.click()
    form = phone.locator("#form-attach_evidence")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "lock.png", "mimeType": "image/png", "buffer": png()}
    )
    form.get_by_label("What it shows").fill("The broken lock on locker 12")
    form.get_by_role("button", name="Attach file").click()
    phone.get_by_text("File attached.").wait_for()
    # The page was updated in place: no document was loaded, the page's own state survived.
    assert documents == []
    assert phone.evaluate("window.notReloaded === true")

    thumb = phone.get_by_role("img", name="The broken lock on locker 12")
    thumb.wait_for()
    phone.wait_for_function(
        "() => { const i = document.querySelector('img.evidence-thumb');"
        " return i && i.complete && i.naturalWidth === 48; }"
    )
    src = thumb.get_attribute("src")
    assert re.fullmatch(rf"/cases/{case.pk}/evidence/[0-9a-f-]{{36}}/preview/", src), src
    box = thumb.bounding_box()
    assert box and box["width"] <= 160 and box["x"] + box["width"] <= 360
    thumb.scroll_into_view_if_needed()
    screenshot(phone, "phone-case-evidence-thumbnail")
    # Never a public link: without a signed-in member, the picture's address gives nothing.
    anonymous = Client(HTTP_HOST=f"{program.slug}.localhost")
    answer = anonymous.get(src)
    assert answer.status_code in (302, 404) and not answer.get("Content-Type", "").startswith(
        "image/"
    )
    # A file that is not a picture stays a link, with no image.
    phone.locator("summary", has_text="Attach evidence").first.click()
    form = phone.locator("#form-attach_evidence")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Written at the time."}
    )
    form.get_by_role("button", name="Attach file").click()
    phone.get_by_role("link", name="notes.txt").wait_for()
    assert phone.locator("img.evidence-thumb").count() == 1


def test_a_refused_step_in_the_background_leads_to_the_field(
    live_server_url, staff_program, new_page, screenshot
):
    program, users, people = staff_program
    base = site_url(live_server_url, program)
    case = reported_case(program, users, people, investigating=True)
    phone = new_page(360, 740, is_mobile=True, has_touch=True)
    sign_in(phone, base, users["staff"])
    phone.goto(f"{base}/cases/{case.pk}/")
    phone.locator("summary", has_text="Add a statement").first.click()
    form = phone.locator("#form-add_statement")
    form.get_by_role("button", name="Add statement").click()  # nothing typed
    phone.locator("#form-add_statement .field-error").first.wait_for()
    statement = phone.locator("#form-add_statement").get_by_label("Statement", exact=True)
    assert phone.evaluate("document.activeElement.id") == statement.get_attribute("id")
    box = statement.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    assert phone.url == f"{base}/cases/{case.pk}/"  # still the case's address
    screenshot(phone, "phone-case-step-error-in-place")
    statement.fill("I heard the lock break.")
    phone.locator("#form-add_statement").get_by_role("button", name="Add statement").click()
    phone.get_by_text("Statement added.").wait_for()
    assert phone.get_by_text("I heard the lock break.").count() == 1


def test_a_step_works_with_javascript_off(live_server_url, staff_program, new_page, screenshot):
    from workflow.models import Case

    program, users, people = staff_program
    base = site_url(live_server_url, program)
    case = reported_case(program, users, people)
    page = new_page(360, 740, java_script_enabled=False)
    sign_in(page, base, users["staff"])
    page.goto(f"{base}/cases/{case.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge and prepare notices").click()
    page.get_by_text("Acknowledged: a notice is ready for each party.").wait_for()
    assert page.url.startswith(f"{base}/cases/{case.pk}/")
    screenshot(page, "phone-case-step-without-javascript")
    with tenant_context(program):
        assert Case.objects.get(pk=case.pk).state == "acknowledged"
    connection.set_schema_to_public()


def test_a_pasted_statement_over_the_limit_is_refused_in_words_and_kept_whole(
    live_server_url, staff_program, new_page
):
    """A browser cuts pasted text at a box's `maxlength` without a word: the box has none, the
    service refuses the long statement with its message, and every character typed is still
    in the box to shorten."""
    program, users, people = staff_program
    base = site_url(live_server_url, program)
    case = reported_case(program, users, people, investigating=True)
    page = new_page()
    sign_in(page, base, users["staff"])
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("summary", has_text="Add a statement").first.click()
    statement = page.locator("#form-add_statement").get_by_label("Statement", exact=True)
    words = ("I heard the lock break and saw who was there. " * 300)[:12_000]
    statement.fill(words)  # typed into the box as a paste is
    page.locator("#form-add_statement").get_by_role("button", name="Add statement").click()
    page.get_by_text("Keep the statement to 10,000 characters at most (it has 12,000).").wait_for()
    statement = page.locator("#form-add_statement").get_by_label("Statement", exact=True)
    assert statement.input_value() == words
