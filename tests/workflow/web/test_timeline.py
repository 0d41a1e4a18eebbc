"""The timeline, the case's legal record, reads as sentences: people by name or code and
alias, stored values by their labels, dates as people read them. The stored events keep their
ids and values (the hash chain covers them)."""

import re
from datetime import timedelta

from django.utils import timezone

from workflow import services
from workflow.models import CaseEvent, Notice


def test_timeline_speaks_in_peoples_terms(site, make_case, advance, users, people):
    users["a_staff2"].first_name, users["a_staff2"].last_name = "Sam", "Rivera"
    users["a_staff2"].save()
    case = make_case()
    services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="Pushing",
        supply_access_plan="offsite_bags",
        supply_access_details="Bags at the side door",
        days=3,
    )
    case = advance(case, "decided")
    notice = Notice.objects.filter(case=case).first()
    services.record_notice_delivery(actor=users["a_staff"], notice=notice, method="read_aloud")

    page = site("a_lead").get(f"/cases/{case.pk}/timeline/").text
    markup = page[page.index('class="timeline"') :]
    record = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))  # what a reader sees

    assert "T-sky (Sky), person who did harm" in record
    assert "T-river (River), harmed person" in record
    assert "Sam Rivera" in record  # the investigator and facilitator, by name
    assert "Offsite bags" in record or "bags" in record.lower()
    assert "Read aloud" in record or "read aloud" in record.lower()
    for raw in ("person_who_did_harm", "offsite_bags", "read_aloud", "harmed_person"):
        assert raw not in record, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", record)
    assert not re.search(r"(Who|Decided by|Investigator|Facilitator) \d+ ", record)
    # What is stored is unchanged: ids and values, as the hash chain recorded them.
    stored = CaseEvent.objects.get(case=case, action="record_notice_delivery")
    assert stored.after["method"] == "read_aloud" and stored.after["party"] == notice.party_id
    assert timezone.is_aware(stored.at)


def test_hearing_attendees_are_named_as_parties(site, make_case, advance, users):
    case = advance(make_case(), "investigating")
    services.schedule_hearing(
        actor=users["a_staff"],
        case=case,
        scheduled_for=timezone.now() + timedelta(days=1),
        facilitator=users["a_staff2"],
        attendees=list(case.parties.all()),
    )
    page = site("a_lead").get(f"/cases/{case.pk}/timeline/").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Who attends T-river (River), harmed person, T-sky (Sky), person who did harm" in text


def test_yes_and_no_read_as_words_and_the_policy_flag_only_when_it_is_set(site, make_case, advance):
    case = advance(make_case(), "decided")
    page = site("a_lead").get(f"/cases/{case.pk}/timeline/").text
    record = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.index('class="timeline"') :]))

    # The demo policy follows the field's recommendations, so the report says nothing of it.
    assert "beyond the field" not in record
    assert "Harmed person heard" in record
    heard = record[record.index("Harmed person heard") :][:80]
    assert " Yes" in heard, heard
    assert " yes " not in record


def test_the_policy_flag_reads_on_the_report_when_the_policy_is_beyond_the_recommendations(
    site, make_case, users
):
    from tenants.policy import change_policy

    change_policy(actor=users["a_admin"], response_window_days=10)  # the field says 7
    case = make_case()
    page = site("a_lead").get(f"/cases/{case.pk}/timeline/").text
    record = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.index('class="timeline"') :]))
    assert "Policy beyond the field's recommendations Yes" in record.replace("&#x27;", "'")
