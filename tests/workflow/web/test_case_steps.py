"""Every step of the case page through the Django client, as staff, leads and admins would
take them: what is offered, what happens, and what an error looks like."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workflow.models import (
    ActionKind,
    Appeal,
    Case,
    CaseEvent,
    Consent,
    FollowUp,
    Hearing,
    Notice,
    RestorativeAction,
)


def step_url(case, step, item=None):
    return f"/cases/{case.pk}/steps/{step}/" + (f"{item}/" if item else "")


def fresh(case):
    return Case.objects.get(pk=case.pk)


def plan_rows(prefix, rows):
    """POST data of a plan's action rows (a formset under the step's prefix)."""
    data = {
        f"{prefix}-actions-TOTAL_FORMS": "4",
        f"{prefix}-actions-INITIAL_FORMS": "0",
        f"{prefix}-actions-MIN_NUM_FORMS": "0",
        f"{prefix}-actions-MAX_NUM_FORMS": "12",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-actions-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_case_runs_through_every_step_on_its_page(site, make_case, users, people):
    staff, lead, admin = site("a_staff"), site("a_lead"), site("a_admin")
    case = make_case()
    page = staff.get(f"/cases/{case.pk}/")
    assert "Acknowledge and prepare notices" in page.text
    assert "Start investigation" not in page.text
    assert "Waiting for the acknowledgement" in page.text

    r = staff.post(step_url(case, "acknowledge_case"))
    assert r.status_code == 302 and r.url.endswith(f"/cases/{case.pk}/#notices")
    notice = Notice.objects.filter(case=case).first()
    page = staff.get(f"/cases/{case.pk}/")
    assert "Your rights" in page.text and "Save deliveries" in page.text
    # One submission marks every notice handed over in this visit; the others wait.
    others = list(Notice.objects.filter(case=case).exclude(pk=notice.pk))
    r = staff.post(step_url(case, "record_notice_deliveries"), {})
    assert r.status_code == 400 and "at least one notice" in r.text
    r = staff.post(
        step_url(case, "record_notice_deliveries"),
        {f"record_notice_deliveries-notice_{notice.pk}": "read_aloud"},
    )
    assert r.status_code == 302
    assert Notice.objects.get(pk=notice.pk).delivery_method == "read_aloud"
    assert all(Notice.objects.get(pk=n.pk).delivered_at is None for n in others)

    # Starting the investigation is for leads: staff are told who does it.
    page = staff.get(f"/cases/{case.pk}/")
    assert "Start investigation" not in page.text
    assert "Program lead" in page.text
    r = lead.post(
        step_url(case, "start_investigation"),
        {"start_investigation-investigator": users["a_staff2"].pk},
    )
    assert r.status_code == 302 and fresh(case).state == "investigating"

    river = case.parties.get(participant=people["river"])
    sky = case.parties.get(participant=people["sky"])
    r = staff.post(
        step_url(case, "add_statement"),
        {"add_statement-party": river.pk, "add_statement-content": "They pushed me."},
    )
    assert r.status_code == 302
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg")
    r = staff.post(
        step_url(case, "attach_evidence"),
        {"attach_evidence-file": upload, "attach_evidence-description": "The table"},
    )
    assert r.status_code == 302
    evidence = case.evidence.get()
    download = staff.get(f"/cases/{case.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0" + b"\x00" * 60
    r = staff.post(
        step_url(case, "record_contributing_factors"),
        {
            "record_contributing_factors-factors": ["supply_shortage", "crowding"],
            "record_contributing_factors-context_notes": "Long queue, supplies ran out.",
        },
    )
    assert r.status_code == 302
    assert case.investigation.__class__.objects.get(case=case).contributing_factors == [
        "crowding",
        "supply_shortage",
    ]

    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = staff.post(
        step_url(case, "schedule_hearing"),
        {
            "schedule_hearing-scheduled_for": when,
            "schedule_hearing-location": "Back room",
            "schedule_hearing-facilitator": users["a_staff2"].pk,
            "schedule_hearing-attendees": [river.pk, sky.pk],
        },
    )
    assert r.status_code == 302 and fresh(case).state == "hearing"
    for party in (river, sky):
        r = staff.post(step_url(case, "record_consent"), {"record_consent-party": party.pk})
        assert r.status_code == 302
    consent = Consent.objects.get(party=sky)
    r = staff.post(
        step_url(case, "withdraw_consent", consent.pk),
        {f"withdraw_consent-{consent.pk}-note": "Changed their mind"},
    )
    assert r.status_code == 302 and Consent.objects.get(pk=consent.pk).withdrawn_at
    hearing = Hearing.objects.get(case=case)
    outcome = {f"record_hearing_outcome-{hearing.pk}-harmed_person_heard": "yes"}
    # Tomorrow's hearing cannot be recorded as held today.
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Record what happened after the hearing" in page
    r = staff.post(step_url(case, "record_hearing_outcome", hearing.pk), outcome)
    assert r.status_code == 400 and "once it has taken place" in r.text
    # It happened an hour ago after all: moved, with the reason, then recorded.
    earlier = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    prefix = f"reschedule_hearing-{hearing.pk}"
    r = staff.post(
        step_url(case, "reschedule_hearing", hearing.pk),
        {f"{prefix}-scheduled_for": earlier, f"{prefix}-reason": "Both came in early"},
    )
    assert r.status_code == 302
    r = staff.post(step_url(case, "record_hearing_outcome", hearing.pk), outcome)
    assert r.status_code == 302
    timeline = staff.get(f"/cases/{case.pk}/timeline/").text
    assert "Hearing moved" in timeline and "Both came in early" in timeline
    assert Hearing.objects.get(pk=hearing.pk).location == "Back room"  # left empty: kept

    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    data = {"decide_case-reasons": "Both were heard; repair the shared space."}
    data.update(
        plan_rows(
            "decide_case",
            [
                {
                    "kind": ActionKind.TEMPORARY_BAN,
                    "for_party": sky.pk,
                    "owner": users["a_staff"].pk,
                    "due_date": due,
                    "ban_days": "3",
                    "supply_access_plan": "outreach",
                    "supply_access_details": "Outreach van on Tuesday",
                },
                {
                    "kind": ActionKind.RESTORATIVE_LABOR,
                    "for_party": sky.pk,
                    "owner": users["a_staff"].pk,
                    "due_date": due,
                    "description": "Help set up the supply table",
                },
                {
                    "kind": ActionKind.WITNESS_DEBRIEF,
                    "owner": users["a_staff2"].pk,
                    "due_date": due,
                },
            ],
        )
    )
    assert "Record decision" not in staff.get(f"/cases/{case.pk}/").text
    r = lead.post(step_url(case, "decide_case"), data)
    assert r.status_code == 302, r.text
    case = fresh(case)
    assert case.state == "decided"
    assert case.bans.get().supply_access_details == "Outreach van on Tuesday"
    page = staff.get(f"/cases/{case.pk}/")
    assert "Community restoration" in page.text and "Witness debrief" in page.text

    r = staff.post(
        step_url(case, "file_appeal"),
        {"file_appeal-party": sky.pk, "file_appeal-grounds": "Three days is too long."},
    )
    assert r.status_code == 302 and fresh(case).state == "appealed"
    appeal = Appeal.objects.get(case=case)
    assert "Decide appeal" not in staff.get(f"/cases/{case.pk}/").text
    prefix = f"decide_appeal-{appeal.pk}"
    data = {
        f"{prefix}-outcome": "modified",
        f"{prefix}-reasons": "One day is enough.",
        f"{prefix}-reasons_for_parties": "One day is enough.",
    }
    data.update(
        plan_rows(
            prefix,
            [
                {
                    "kind": ActionKind.TEMPORARY_BAN,
                    "for_party": sky.pk,
                    "owner": users["a_staff"].pk,
                    "due_date": due,
                    "ban_days": "1",
                    "supply_access_plan": "offsite_bags",
                    "supply_access_details": "Bags at the church door",
                },
                {
                    "kind": ActionKind.RESTORATIVE_LABOR,
                    "for_party": sky.pk,
                    "owner": users["a_staff"].pk,
                    "due_date": due,
                },
            ],
        )
    )
    # The lead decided the case, so the admin reviews the appeal.
    r = admin.post(step_url(case, "decide_appeal", appeal.pk), data)
    assert r.status_code == 302, r.text
    assert fresh(case).state == "restoring"
    assert case.plans.count() == 2

    action = RestorativeAction.objects.get(plan__superseded_at=None, kind="restorative_labor")
    r = staff.post(
        step_url(case, "update_action_status", action.pk),
        {f"update_action_status-{action.pk}-status": "done"},
    )
    assert r.status_code == 302
    follow_ups = list(FollowUp.objects.filter(case=case))
    *done, last = follow_ups
    # Several at once: those done, and one waived with a reason, in one submission.
    r = lead.post(
        step_url(case, "finish_follow_ups"),
        {
            "finish_follow_ups-done": [str(f.pk) for f in done],
            "finish_follow_ups-waived": [str(last.pk)],
            "finish_follow_ups-reason": "They moved to another city.",
        },
    )
    assert r.status_code == 302
    assert FollowUp.objects.get(pk=last.pk).waive_reason == "They moved to another city."
    assert {f.status for f in FollowUp.objects.filter(pk__in=[f.pk for f in done])} == {"done"}
    # The appeal's one-day ban still runs: closing says so and waits for a confirmation.
    r = lead.post(step_url(case, "close_case"))
    assert r.status_code == 409 and "ban still runs until" in r.text
    assert fresh(case).state == "restoring"
    r = lead.post(step_url(case, "close_case"), {"close_case-confirm_running_bans": "on"})
    assert r.status_code == 302 and fresh(case).state == "closed"
    page = staff.get(f"/cases/{case.pk}/")
    assert "This case is closed" in page.text

    timeline = staff.get(f"/cases/{case.pk}/timeline/")
    assert timeline.status_code == 200
    for words in ("Case reported", "Appeal decided", "Case closed", users["a_lead"].email):
        assert words in timeline.text
    assert timeline.text.count('class="event"') == CaseEvent.objects.filter(case=case).count()
    record = staff.get(f"/cases/{case.pk}/record/")
    assert record.status_code == 200 and "print.css" in record.text
    assert "Bags at the church door" in record.text and "Outreach van on Tuesday" in record.text


def test_one_follow_up_is_done_or_waived_with_the_follow_ups_form(site, make_case, advance):
    """The follow-ups are marked with the one form under them, one or several at a time: before
    the decision the section says when they come; staff tick one done; a plain staff member
    who ticks Waive is told who may; a lead waives one with a reason."""
    staff, lead = site("a_staff"), site("a_lead")
    case = make_case()
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Follow-ups are scheduled when the case is decided." in page
    assert "Save follow-ups" not in page
    case = advance(case, "decided")
    first, second, *others = FollowUp.objects.filter(case=case).order_by("due_at", "pk")
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Mark follow-ups" in page and "Save follow-ups" in page
    assert page.count('name="finish_follow_ups-done"') == 2 + len(others)

    r = staff.post(
        step_url(case, "finish_follow_ups"),
        {"finish_follow_ups-done": [str(first.pk)], "finish_follow_ups-notes": "Came by, fine."},
    )
    assert r.status_code == 302 and r.url.endswith(f"/cases/{case.pk}/#follow-ups")
    page = staff.get(f"/cases/{case.pk}/").text
    assert "Follow-ups updated." in page and "Came by, fine." in page
    assert FollowUp.objects.get(pk=first.pk).status == "done"
    # Done follow-ups leave the form; the others stay in it.
    assert page.count('name="finish_follow_ups-done"') == 1 + len(others)

    waive = {"finish_follow_ups-waived": [str(second.pk)], "finish_follow_ups-reason": "Moved."}
    r = staff.post(step_url(case, "finish_follow_ups"), waive)
    assert r.status_code == 403
    assert "Your role does not allow this step (“Waive”)" in r.text and "Program lead" in r.text
    assert FollowUp.objects.get(pk=second.pk).status == "pending"
    r = lead.post(step_url(case, "finish_follow_ups"), waive)
    assert r.status_code == 302
    waived = FollowUp.objects.get(pk=second.pk)
    assert (waived.status, waived.waive_reason) == ("waived", "Moved.")
    assert "Moved." in staff.get(f"/cases/{case.pk}/").text
