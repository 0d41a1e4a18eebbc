"""Supplies continue during a ban: a log that falls behind the policy reminds the ban's owner
and the case owner, once per gap; logging supplies in time means no reminder (issue 14)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.services.delivery import deliver_reminders
from tests.notifications.conftest import claimed_for
from workflow import services
from workflow.away import away_one
from workflow.errors import WorkflowError
from workflow.outbox.models import Reminder


def ban_started_days_ago(case, users, people, days_ago, *, by="a_staff2"):
    return services.impose_ban(
        actor=users[by],
        case=case,
        participant=people["sky"],
        reason="Shoving",
        starts_at=timezone.now() - timedelta(days=days_ago),
        days=days_ago + 5,
        supply_access_plan="outreach",
        supply_access_details="Outreach van, Tuesdays and Fridays at the park.",
    )


def gap_reminders(case):
    return Reminder.objects.filter(case_id=case.pk, kind="supply_gap")


def test_a_supply_gap_reaches_the_bans_owner_and_the_case_owner_once(
    make_case, users, people, program_a
):
    case = make_case()  # reported (and owned) by a_staff
    ban = ban_started_days_ago(case, users, people, 5)  # imposed by a_staff2, nothing logged
    reminder = gap_reminders(case).get(state="pending")
    assert reminder.ref_id == ban.pk and reminder.due_at <= timezone.now()
    assert away_one(people["sky"]).supply_gap == 5

    mail.outbox.clear()
    ids = claimed_for(program_a, case)
    assert deliver_reminders(ids, program=program_a)["delivered"] == len(ids)
    received = set(
        Notification.objects.filter(case_id=case.pk, kind="supply_gap").values_list(
            "user_id", flat=True
        )
    )
    assert received == {users["a_staff"].pk, users["a_staff2"].pk}
    assert any("no supplies recorded" in m.subject for m in mail.outbox)

    # Later steps on the case, and the next dispatcher ticks, do not send it again.
    services.assess_severity(actor=users["a_staff"], case=case, severity="high")
    assert claimed_for(program_a, case) == []
    assert Notification.objects.filter(case_id=case.pk, kind="supply_gap").count() == 2
    assert gap_reminders(case).get().state == "delivered"


def test_no_reminder_when_supplies_were_logged_in_time(make_case, users, people, program_a):
    case = make_case()
    ban = ban_started_days_ago(case, users, people, 5)
    services.log_supply_contact(
        actor=users["a_staff"],
        ban=ban,
        reached_on=timezone.localdate() - timedelta(days=1),
        method="outreach",
        note="Van at the park",
    )
    # The gap moved three days past yesterday: the late reminder is cancelled, none is due.
    assert gap_reminders(case).filter(state="pending", due_at__lte=timezone.now()).count() == 0
    assert gap_reminders(case).filter(state="cancelled").count() == 1
    claimed = claimed_for(program_a, case)
    assert not Reminder.objects.filter(pk__in=claimed, kind="supply_gap").exists()
    assert away_one(people["sky"]).supply_gap == 0
    assert not Notification.objects.filter(case_id=case.pk, kind="supply_gap").exists()


def test_a_closed_cases_running_ban_still_needs_supplies(
    make_case, users, people, advance, program_a
):
    case = advance(make_case(), "restoring")
    ban_started_days_ago(case, users, people, 1)
    for follow_up in case.follow_ups.all():
        services.waive_follow_up(actor=users["a_lead"], follow_up=follow_up, reason="Moved")
    services.close_case(actor=users["a_lead"], case=case, confirm_running_bans=True)
    kinds = set(
        Reminder.objects.filter(case_id=case.pk, state="pending").values_list("kind", flat=True)
    )
    assert kinds == {"supply_gap", "ban_ending"}


def test_the_supply_log_refuses_what_cannot_be_true(make_case, users, people):
    ban = ban_started_days_ago(make_case(), users, people, 2)
    for reached_on, method, field in (
        (timezone.localdate() + timedelta(days=1), "outreach", "reached_on"),
        (timezone.localdate() - timedelta(days=10), "outreach", "reached_on"),
        (timezone.localdate(), "pigeon", "method"),
    ):
        with pytest.raises(WorkflowError) as err:
            services.log_supply_contact(
                actor=users["a_staff"], ban=ban, reached_on=reached_on, method=method
            )
        assert err.value.field == field
    assert not ban.supply_contacts.exists()


def test_supplies_logged_in_one_case_count_for_the_persons_ban_in_another(
    make_case, users, people, program_a
):
    """Journey 4: banned in two cases, supplies logged on the newer case's ban; the older
    case's ban is not reminded of a gap that did not happen."""
    older, newer = make_case(), make_case()
    first = ban_started_days_ago(older, users, people, 5)
    assert gap_reminders(older).filter(state="pending", due_at__lte=timezone.now()).exists()
    second = services.impose_ban(
        actor=users["a_staff"],
        case=newer,
        participant=people["sky"],
        reason="Again",
        days=6,
        other_bans="set",
        supply_access_plan="outreach",
        supply_access_details="Van at the park",
    )
    services.log_supply_contact(
        actor=users["a_staff"], ban=second, reached_on=timezone.localdate(), method="outreach"
    )
    # The older case's late reminder was re-planned with the newer log: nothing is due.
    due = Reminder.objects.filter(kind="supply_gap", state="pending", due_at__lte=timezone.now())
    assert not due.filter(case_id__in=[older.pk, newer.pk]).exists()
    assert gap_reminders(older).filter(ref_id=first.pk, state="cancelled").exists()
    assert away_one(people["sky"]).supply_gap == 0
