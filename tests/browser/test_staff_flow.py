"""Issue 4, staff pages, tried in real Chromium: (a) a complaint runs through every step to
closure, with an appeal that modifies the plan; (b) an incident with an immediate ban is
recorded from a phone-sized screen in under ten interactions.

Each test runs in a program of its own (provisioned for the test, its schema dropped after),
so committed data never touches the session's programs."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.browser.conftest import sign_in as sign_in_with_code_if_required
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow

PEOPLE = {"staff": "Robin", "staff2": "Sam", "lead": "Lee", "admin": "Alex"}


@pytest.fixture
def staff_program(world, live_db):
    """A fresh program with a staff member, a second staff member, a lead and an admin, and
    two participants; removed afterwards."""
    from accounts.models import Membership, Role, User
    from organizations.models import Domain, Program, ProgramType
    from organizations.schemas import drop_program_schema
    from organizations.services import program_host, provision_program
    from tenants.models import Participant

    slug = f"staff-{uuid.uuid4().hex[:8]}"
    program = Program.objects.create(
        name="Harbor Drop-in",
        slug=slug,
        program_type=ProgramType.DROP_IN,
        health_department=world.departments["d1"],
    )
    Domain.objects.create(domain=program_host(slug), tenant=program)
    program = provision_program(program_id=program.pk)
    roles = {
        "staff": Role.PROGRAM_STAFF,
        "staff2": Role.PROGRAM_STAFF,
        "lead": Role.PROGRAM_LEAD,
        "admin": Role.PROGRAM_ADMIN,
    }
    users = {}
    for key, role in roles.items():
        user = User.objects.create_user(
            email=f"{key}-{slug}@example.test",
            password=PASSWORD,
            first_name=PEOPLE[key],
            last_name="Example",
        )
        Membership.objects.create(user=user, role=role, program=program)
        users[key] = user
    with tenant_context(program):
        people = {
            "river": Participant.objects.create(code="RIV-1", alias="River"),
            "sky": Participant.objects.create(code="SKY-2", alias="Sky"),
        }
    connection.set_schema_to_public()
    yield program, users, people
    connection.set_schema_to_public()
    drop_program_schema(program.schema_name)
    Program.objects.filter(pk=program.pk).delete()
    User.objects.filter(pk__in=[u.pk for u in users.values()]).delete()


def site_url(live_server_url, program):
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{program.slug}.localhost:{port}"


def sign_in(page, base, user):
    sign_in_with_code_if_required(page, base, user, PASSWORD)
    page.get_by_role("heading", name="Today").wait_for()


def step_form(page, prefix):
    return page.locator(f"#form-{prefix}")


def open_details(page, summary):
    page.locator("summary", has_text=summary).first.click()


def test_staff_run_a_complaint_through_every_step(
    live_server_url, staff_program, new_page, screenshot
):
    from workflow.models import Appeal, Case, FollowUp, Hearing, Notice

    program, users, people = staff_program
    base = site_url(live_server_url, program)
    # Every form staff submit on the case (not signing in), across the three accounts: whole
    # page posts and the steps the page posts in the background (staff.js) alike.
    submissions = []

    def count_submissions(page):
        page.on(
            "request",
            lambda r: (
                submissions.append(r.url)
                if r.method == "POST"
                and r.resource_type in ("document", "fetch", "xhr")
                and "/accounts/" not in r.url
                else None
            ),
        )

    def in_program(fn):
        with tenant_context(program):
            value = fn()
        connection.set_schema_to_public()
        return value

    # A participant files an anonymous complaint on the program's public page.
    participant = new_page(360, 740)
    participant.goto(f"{base}/complaints/new/")
    participant.get_by_label("What happened?").fill(
        "Someone grabbed my bag at the supply table and shouted at me."
    )
    participant.get_by_label("Yesterday").check()
    participant.get_by_label("Theft").check()
    participant.get_by_label("No contact: I will check the status with my tracking code").check()
    participant.get_by_role("button", name="Send my complaint").click()
    participant.get_by_role("heading", name="Write this code down").wait_for()
    code = participant.locator(".tracking-code").inner_text().strip()
    case_id = in_program(lambda: Case.objects.get(tracking_code=code).pk)
    case_url = f"{base}/cases/{case_id}/"
    screenshot(participant, "flow-participant-tracking-code")

    staff = new_page(1280, 900)
    sign_in(staff, base, users["staff"])
    count_submissions(staff)
    screenshot(staff, "staff-today")
    staff.get_by_role("link", name=re.compile(f"Case {case_id}")).first.click()
    staff.get_by_role("heading", name=re.compile(f"Case {case_id}")).wait_for()
    assert "Waiting for the acknowledgement" in staff.content()
    screenshot(staff, "staff-case-reported")

    # The filer stayed anonymous: staff add the people involved once they know who they are.
    for who, role in (("RIV-1", "harmed_person"), ("SKY-2", "person_who_did_harm")):
        form = step_form(staff, "add_party")
        if not form.is_visible():
            open_details(staff, "Add a person")
        form.get_by_label("Role in the case").select_option(role)
        form.get_by_label("Participant (code or alias)").fill(who)
        form.get_by_role("button").first.click()
        staff.get_by_text("Party added.").wait_for()
    # With the anonymous filer, a party since filing (issue 15).
    assert in_program(lambda: Case.objects.get(pk=case_id).parties.count()) == 3

    # Acknowledge, then record a notice read aloud.
    staff.get_by_role("button", name="Acknowledge and prepare notices").click()
    staff.get_by_text("Acknowledged: a notice is ready for each party.").wait_for()
    notice_ids = in_program(lambda: list(Notice.objects.values_list("pk", flat=True)))
    form = step_form(staff, "record_notice_deliveries")
    for notice_id in notice_ids:  # every notice handed over in this visit: one submission
        form.locator(f"[name='record_notice_deliveries-notice_{notice_id}']").select_option(
            "read_aloud"
        )
    form.get_by_role("button", name="Save deliveries").click()
    staff.get_by_text("Notices marked delivered.").wait_for()
    assert staff.get_by_text("Delivered (Read aloud)").count() == len(notice_ids)
    screenshot(staff, "staff-case-acknowledged")

    # A lead starts the investigation; staff see who does it meanwhile.
    assert staff.get_by_role("button", name="Start investigation").count() == 0
    lead = new_page(1280, 900)
    sign_in(lead, base, users["lead"])
    count_submissions(lead)
    lead.goto(case_url)
    form = step_form(lead, "start_investigation")
    form.get_by_label("Investigator").select_option(label="Sam Example")
    form.get_by_role("button", name="Start investigation").click()
    lead.get_by_text("Investigation started.").wait_for()

    staff.goto(case_url)
    open_details(staff, "Add a statement")
    form = step_form(staff, "add_statement")
    form.get_by_label("Whose statement").select_option(label="RIV-1 (River) · Harmed person")
    form.get_by_label("Statement", exact=True).fill(
        "I was waiting in line when my bag was pulled away."
    )
    form.get_by_role("button", name="Add statement").click()
    staff.get_by_text("Statement added.").wait_for()
    open_details(staff, "Attach evidence")
    form = step_form(staff, "attach_evidence")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "table.txt", "mimeType": "text/plain", "buffer": b"Notes from the table."}
    )
    form.get_by_label("What it shows").fill("Notes written at the time")
    form.get_by_role("button", name="Attach file").click()
    staff.get_by_text("File attached.").wait_for()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="table.txt").click()
    assert download.value.suggested_filename == "table.txt"
    open_details(staff, "Context and contributing factors")
    form = step_form(staff, "record_contributing_factors")
    form.get_by_label("Supply shortage").check()
    form.get_by_label("Crowding").check()
    form.get_by_label("Context: power imbalances, systemic issues").fill(
        "The supply table ran out of kits; the line was long."
    )
    form.get_by_role("button", name="Save context and factors").click()
    staff.get_by_text("Context and contributing factors saved.").wait_for()
    screenshot(staff, "staff-case-investigating")

    # The hearing: when, who, facilitator, consent, and whether the harmed person was heard.
    form = step_form(staff, "schedule_hearing")
    when = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("When", exact=True).fill(when)
    form.get_by_label("Where", exact=True).fill("Back room")
    form.get_by_label("Facilitator").select_option(label="Sam Example")
    form.get_by_label("RIV-1 (River) · Harmed person").check()
    form.get_by_label("SKY-2 (Sky) · Person who did harm").check()
    form.get_by_role("button", name="Schedule hearing").click()
    staff.get_by_text("Hearing scheduled.").wait_for()
    for label in ("RIV-1 (River) · Harmed person", "SKY-2 (Sky) · Person who did harm"):
        open_details(staff, "Record consent")
        form = step_form(staff, "record_consent")
        form.get_by_label("Who consents to take part").select_option(label=label)
        form.get_by_role("button", name="Record consent").click()
        staff.get_by_text("Consent recorded.").wait_for()
    hearing_id = in_program(lambda: Hearing.objects.get().pk)
    # The hearing is in two hours: what happened can be recorded only after it. It was held
    # early after all, so staff move it to the time it really took place.
    staff.get_by_text("Record what happened after the hearing").wait_for()
    open_details(staff, "Move this hearing")
    form = step_form(staff, f"reschedule_hearing-{hearing_id}")
    earlier = (timezone.localtime() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("New time").fill(earlier)
    form.get_by_label("Why it is moved").fill("Both came in early")
    form.get_by_role("button", name="Move hearing").click()
    staff.get_by_text("Hearing moved.").wait_for()
    form = step_form(staff, f"record_hearing_outcome-{hearing_id}")
    form.get_by_label("Yes, they were heard").check()
    form.get_by_label("What was said and agreed").fill("Sky apologised; both agreed to a plan.")
    form.get_by_role("button", name="Record outcome").click()
    staff.get_by_text("Hearing outcome recorded.").wait_for()
    screenshot(staff, "staff-case-hearing")

    # The lead decides: a temporary ban with a supply plan, and restorative labor.
    lead.goto(case_url)
    form = step_form(lead, "decide_case")
    form.get_by_label("Reasons for the decision").fill(
        "Both were heard. A short break, and Sky helps run the supply table."
    )
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    row = form.locator("[data-plan-row]").nth(0)
    row.get_by_label("Action", exact=True).select_option("temporary_ban")
    row.get_by_label("For whom").select_option(label="SKY-2 (Sky) · Person who did harm")
    row.get_by_label("Owner (staff)").select_option(label="Robin Example")
    row.get_by_label("Due", exact=True).fill(due)
    row.get_by_label("Ban: how many days").fill("3")
    row.get_by_label("Ban: how supplies reach them").select_option("outreach")
    row.get_by_label("Ban: supply plan details").fill("Outreach van brings kits on Tuesday")
    form.get_by_role("button", name="Add another action").click()
    row = form.locator("[data-plan-row]").nth(1)
    row.get_by_label("Action", exact=True).select_option("restorative_labor")
    row.get_by_label("For whom").select_option(label="SKY-2 (Sky) · Person who did harm")
    row.get_by_label("Owner (staff)").select_option(label="Robin Example")
    row.get_by_label("Due", exact=True).fill(due)
    row.get_by_label("Details", exact=True).fill("Help set up the supply table twice")
    screenshot(lead, "staff-decision-form")
    form.get_by_role("button", name="Record decision").click()
    lead.get_by_text("Decision recorded.").wait_for()
    screenshot(lead, "staff-case-decided")

    # The person who did harm appeals; a reviewer who did not decide (the admin) modifies it.
    staff.goto(case_url)
    open_details(staff, "File an appeal")
    form = step_form(staff, "file_appeal")
    form.get_by_label("Who appeals").select_option(label="SKY-2 (Sky) · Person who did harm")
    form.get_by_label("What the appeal is about").fill("Three days means missing my clinic visit.")
    form.get_by_role("button", name="File appeal").click()
    staff.get_by_text("Appeal filed.").wait_for()
    assert staff.get_by_role("button", name="Decide appeal").count() == 0
    admin = new_page(1280, 900)
    sign_in(admin, base, users["admin"])
    count_submissions(admin)
    admin.goto(case_url)
    appeal_id = in_program(lambda: Appeal.objects.get().pk)
    form = step_form(admin, f"decide_appeal-{appeal_id}")
    form.get_by_label("Modified", exact=True).check()
    form.get_by_label("Reasons for the parties", exact=True).fill("One day is enough.")
    form.get_by_label("Internal notes", exact=True).fill("One day is enough; the labor stays.")
    row = form.locator("[data-plan-row]").nth(0)
    row.get_by_label("Action", exact=True).select_option("temporary_ban")
    row.get_by_label("For whom").select_option(label="SKY-2 (Sky) · Person who did harm")
    row.get_by_label("Owner (staff)").select_option(label="Robin Example")
    row.get_by_label("Due", exact=True).fill(due)
    row.get_by_label("Ban: how many days").fill("1")
    row.get_by_label("Ban: how supplies reach them").select_option("offsite_bags")
    row.get_by_label("Ban: supply plan details").fill("Bags at the church door")
    form.get_by_role("button", name="Add another action").click()
    row = form.locator("[data-plan-row]").nth(1)
    row.get_by_label("Action", exact=True).select_option("restorative_labor")
    row.get_by_label("For whom").select_option(label="SKY-2 (Sky) · Person who did harm")
    row.get_by_label("Owner (staff)").select_option(label="Robin Example")
    row.get_by_label("Due", exact=True).fill(due)
    screenshot(admin, "staff-appeal-form")
    form.get_by_role("button", name="Decide appeal").click()
    admin.get_by_text("Appeal decided.").wait_for()
    assert admin.get_by_text("Plan, version 2").count() == 1
    screenshot(admin, "staff-case-appeal-modified")

    # Follow-ups done, then the lead closes the case.
    staff.goto(case_url)
    form = step_form(staff, "finish_follow_ups")
    for follow_up_id in in_program(lambda: list(FollowUp.objects.values_list("pk", flat=True))):
        form.locator(f"input[name='finish_follow_ups-done'][value='{follow_up_id}']").check()
    form.get_by_role("button", name="Save follow-ups").click()
    staff.get_by_text("Follow-ups updated.").wait_for()
    lead.goto(case_url)
    # The appeal's one-day ban replaced the decision's and still runs: closing says so first.
    assert lead.locator("#bans .ban-status", has_text="in effect").count() == 1
    assert lead.locator("#bans .ban-status", has_text="replaced").count() == 1
    lead.get_by_role("button", name="Close case").click()
    lead.locator("#form-close_case .field-error").wait_for()  # the answer: confirm first
    lead.get_by_text("ban still runs until").first.wait_for()
    lead.get_by_label("Close anyway: the ban runs to its end").check()
    lead.get_by_role("button", name="Close case").click()
    lead.get_by_text("Case closed.").wait_for()
    assert in_program(lambda: Case.objects.get(pk=case_id).state) == "closed"
    screenshot(lead, "staff-case-closed")
    print(f"\nstaff flow: report to closure in {len(submissions)} staff submissions")
    assert len(submissions) <= 20, submissions

    lead.get_by_role("link", name="Timeline").click()
    lead.get_by_role("heading", name=f"Timeline of case {case_id}").wait_for()
    for words in (
        "Complaint filed by a participant",
        "Party added",
        "Notice delivered",
        "Appeal decided",
        "Case closed",
    ):
        assert lead.get_by_text(words, exact=True).count() >= 1
    screenshot(lead, "staff-timeline")
    lead.goto(f"{case_url}record/")
    lead.emulate_media(media="print")
    assert not lead.locator(".staffnav").is_visible()
    screenshot(lead, "staff-case-record-print")

    # The participant's tracking code now shows the case closed, and nothing else.
    participant.goto(f"{base}/complaints/status/")
    participant.get_by_label("Your tracking code").fill(code)
    participant.get_by_role("button", name="Check").click()
    participant.locator(".status-headline").wait_for()
    assert participant.locator(".status-headline").inner_text() == "Closed"
    assert "RIV-1" not in participant.content() and "Sky" not in participant.content()
    screenshot(participant, "flow-participant-status-closed")


def test_record_an_incident_with_a_ban_from_a_phone(
    live_server_url, staff_program, new_page, screenshot
):
    from workflow.models import Ban

    program, users, people = staff_program
    base = site_url(live_server_url, program)
    phone = new_page(360, 740, is_mobile=True, has_touch=True)
    sign_in(phone, base, users["staff"])
    screenshot(phone, "phone-today")
    # Header and navigation leave the screen to the page: at most a sixth of 740 px.
    chrome = phone.evaluate("document.querySelector('.staffnav').getBoundingClientRect().bottom")
    assert chrome <= 740 / 6, chrome
    phone.get_by_text("Account", exact=True).click()
    assert phone.get_by_role("button", name="Sign out").is_visible()
    phone.get_by_text("Account", exact=True).click()

    interactions = 0

    def act(fn, *args, **kwargs):
        nonlocal interactions
        interactions += 1
        return fn(*args, **kwargs)

    act(phone.get_by_role("link", name="Record incident").first.click)
    phone.get_by_role("heading", name="Record an incident").wait_for()
    act(phone.get_by_label("What happened").fill, "Threw a chair near the kitchen.")
    act(phone.get_by_label("Person who did harm: code or alias").fill, "SKY-2")
    act(phone.get_by_label("Threat", exact=True).check)
    act(phone.get_by_label("High", exact=True).check)
    act(phone.get_by_label("Temporary ban", exact=True).check)
    act(phone.get_by_label("How supplies reach them").select_option, "outreach")
    # A mistake first (not counted): saved without the plan's details, the page comes back
    # with a summary at the top linking to the field, and the field itself in view and focused.
    phone.get_by_role("button", name="Save").click()
    summary = phone.locator(".error-summary")
    summary.wait_for()
    assert summary.get_by_role("link", name=re.compile("Supply plan details")).count() == 1
    focused = phone.evaluate("document.activeElement.id")
    details = phone.get_by_label("Supply plan details")
    assert focused == details.get_attribute("id"), focused
    box = details.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    assert phone.get_by_label("What happened").input_value() == "Threw a chair near the kitchen."
    screenshot(phone, "phone-record-incident-error")
    act(phone.get_by_label("Supply plan details").fill, "Outreach meets them at the park, 4 pm")
    screenshot(phone, "phone-record-incident")
    act(phone.get_by_role("button", name="Save").click)
    phone.get_by_text("Incident recorded with a temporary ban.").wait_for()
    assert interactions < 10, interactions
    screenshot(phone, "phone-incident-saved")

    with tenant_context(program):
        ban = Ban.objects.select_related("participant").get()
        # "High" in the default policy offers 7 days.
        assert ban.participant.code == "SKY-2"
        assert timedelta(days=6, hours=23) < ban.ends_at - ban.starts_at <= timedelta(days=7)
        assert ban.supply_access_plan == "outreach"
    connection.set_schema_to_public()
    assert phone.get_by_text("Outreach meets them at the park, 4 pm").count() == 1
    # Nothing is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
