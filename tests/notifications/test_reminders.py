"""Reminders follow the case in the same transaction, and a delivery happens once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification, Preference
from notifications.services.delivery import deliver_reminders
from notifications.services.digest import send_daily_digests
from notifications.services.dispatch import claim_due
from tests.notifications.conftest import claimed_for
from workflow import services
from workflow.outbox.models import Reminder


def open_kinds(case):
    rows = Reminder.objects.filter(case_id=case.pk, state__in=["pending", "enqueued"])
    return sorted(rows.values_list("kind", flat=True))


def test_a_new_case_gets_its_deadlines_and_a_done_step_cancels_them(make_case, users):
    case = make_case()
    assert open_kinds(case) == [
        "acknowledgement_due",
        "acknowledgement_overdue",
        "response_due",
        "response_due",
        "response_overdue",
    ]
    services.acknowledge_case(actor=users["a_staff"], case=case)
    assert open_kinds(case) == ["response_due", "response_due", "response_overdue"]
    cancelled = Reminder.objects.filter(case_id=case.pk, state="cancelled")
    assert set(cancelled.values_list("kind", flat=True)) == {
        "acknowledgement_due",
        "acknowledgement_overdue",
    }
    services.withdraw_case(actor=users["a_lead"], case=case, reason="The person asked to stop.")
    assert open_kinds(case) == []


def test_reminder_rows_hold_no_participant_data(make_case, people):
    case = make_case()
    for row in Reminder.objects.filter(case_id=case.pk).values():
        text = " ".join(str(value) for value in row.values())
        for person in people.values():
            assert person.code not in text and person.alias not in text


def assert_each_kind_alone_reads_the_same(case):
    """The worker re-checks a batch reading only what its kinds need: same answer, kind by kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflow.models import Case
    from workflow.reminders import (
        POINT_CASE_FIELDS,
        POINT_RELATIONS,
        prefetch_reminder_relations,
        reminder_cases,
        reminder_points,
    )

    everything = reminder_points(reminder_cases([case.pk])[case.pk])
    for kind in POINT_RELATIONS:
        alone = reminder_cases([case.pk], kinds={kind})[case.pk]
        assert reminder_points(alone, kinds={kind}) == [p for p in everything if p[0] == kind]
    # The worker reads only POINT_CASE_FIELDS of a case: same answer, and no field read later
    # one case at a time (a field missing from the list would cost a query here).
    narrow = Case.objects.only(*POINT_CASE_FIELDS).get(pk=case.pk)
    prefetch_reminder_relations([narrow])
    with CaptureQueriesContext(connection) as queries:
        assert reminder_points(narrow) == everything
    assert queries.captured_queries == []


def decide_with_an_action(case, users):
    """The lead decides; the one restorative action is a_staff2's, due in five days."""
    services.decide_case(
        actor=users["a_lead"],
        case=case,
        reasons="Repair the shared space.",
        actions=[
            {
                "kind": "restorative_labor",
                "owner": users["a_staff2"],
                "due_date": timezone.localdate() + timedelta(days=5),
                "description": "Help set up the supply table for a week.",
            }
        ],
    )


def test_every_kind_is_planned_along_the_workflow(make_case, users, advance):
    case = make_case()
    hearing = services.schedule_hearing(
        actor=users["a_staff"],
        case=advance(case, "investigating"),
        scheduled_for=timezone.now() + timedelta(days=3),
        facilitator=users["a_staff2"],
    )
    assert "hearing_upcoming" in open_kinds(case)
    hearing = services.reschedule_hearing(  # held early after all
        actor=users["a_staff"],
        hearing=hearing,
        scheduled_for=timezone.now() - timedelta(hours=1),
        reason="Both came in early",
    )
    services.record_hearing_outcome(
        actor=users["a_staff"], hearing=hearing, harmed_person_heard=True
    )
    assert "hearing_upcoming" not in open_kinds(case)
    decide_with_an_action(case, users)
    kinds = open_kinds(case)
    for kind in ("appeal_window_closing", "restorative_action_due", "follow_up_due"):
        assert kind in kinds
    assert "community_check_in" in kinds
    assert "response_overdue" not in kinds  # responded with the decision
    assert_each_kind_alone_reads_the_same(case)
    services.file_appeal(
        actor=users["a_staff"],
        case=case,
        party=case.parties.get(role="person_who_did_harm"),
        grounds="The ban was too long.",
    )
    kinds = open_kinds(case)
    assert "appeal_decision_due" in kinds and "appeal_window_closing" not in kinds
    assert_each_kind_alone_reads_the_same(case)


def ban_for_three_days(case, users, people):
    return services.impose_ban(
        actor=users["a_staff"],
        case=case,
        participant=people["sky"],
        reason="Shoving",
        days=3,
        supply_access_plan="offsite_bags",
        supply_access_details="Bags at the back door.",
    )


def test_ban_ending_reminder_moves_with_the_ban(make_case, users, people):
    case = make_case()
    ban = ban_for_three_days(case, users, people)
    assert Reminder.objects.get(case_id=case.pk, kind="ban_ending").target_at == ban.ends_at
    services.end_ban_early(actor=users["a_lead"], ban=ban, reason="Talked it through.")
    assert "ban_ending" not in open_kinds(case)


def test_overdue_goes_to_owner_and_lead_once(overdue_case, users, program_a):
    mail.outbox.clear()
    ids = claimed_for(program_a, overdue_case)
    first = deliver_reminders(ids, program=program_a)
    assert first["delivered"] == 1
    people = {users["a_staff"].email, users["a_lead"].email}
    assert {m.to[0] for m in mail.outbox} == people
    assert "overdue" in mail.outbox[0].subject
    assert Notification.objects.filter(case_id=overdue_case.pk).count() == 2
    # The same message again (a redelivery): nothing more is sent or recorded.
    again = deliver_reminders(ids, program=program_a)
    assert again["delivered"] == 0 and len(mail.outbox) == 2
    records = Notification.objects.filter(case_id=overdue_case.pk)
    assert records.count() == 2 and all(records.values_list("emailed", flat=True))
    # The database refuses a second record of the same delivery, whatever the code above does.
    for key in (records.first().idempotency_key, None):
        copy = records.first()
        copy.pk, copy.idempotency_key = None, key
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()


def test_preferences_digest_and_in_app_only(make_case, users, program_a):
    staff, lead = users["a_staff"], users["a_lead"]
    Preference.objects.create(user=staff, kind="response_due", delivery="daily_digest")
    Preference.objects.create(user=staff, kind="acknowledgement_due", delivery="in_app_only")
    # Overdue reminders cannot be switched off or delayed: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(user=lead, kind="response_overdue", delivery="in_app_only")
    case = make_case(owner=staff)
    Reminder.objects.filter(
        case_id=case.pk, kind__in=["response_due", "acknowledgement_due"]
    ).update(due_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    deliver_reminders(claimed_for(program_a, case), program=program_a)
    assert mail.outbox == []  # digest and in-app only: nothing by email now
    items = Notification.objects.filter(user=staff, case_id=case.pk)
    assert items.count() == 3 and items.filter(in_digest=True).count() == 2
    assert not items.filter(emailed=True).exists()
    morning = timezone.localtime().replace(hour=8, minute=0)
    assert send_daily_digests(now=morning) == 1
    assert send_daily_digests(now=morning + timedelta(hours=1)) == 0  # once a day
    (digest,) = mail.outbox
    assert digest.to == [staff.email] and f"Case {case.pk}: respond" in digest.body


def test_a_message_naming_a_delivered_reminder_sends_only_the_waiting_ones(
    overdue_case, users, program_a
):
    """A message sent again after a crash may carry a reminder delivered meanwhile next to one
    of the same case still waiting: the waiting one goes out, the other is not sent twice."""
    delivered = claimed_for(program_a, overdue_case)
    assert deliver_reminders(delivered, program=program_a)["delivered"] == 1
    Reminder.objects.filter(case_id=overdue_case.pk, kind="response_due").update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    waiting = claimed_for(program_a, overdue_case)
    assert len(waiting) == 2
    mail.outbox.clear()
    result = deliver_reminders(delivered + waiting, program=program_a)
    assert (result["delivered"], result["skipped"]) == (2, 1)
    assert [m.subject for m in mail.outbox if "overdue" in m.subject] == []
    # The case owner, once, in one email carrying both response reminders (two lead times of
    # one deadline: the same line, read once).
    (email,) = mail.outbox
    assert len(email.extra_headers["X-Reminder-Delivery"].split()) == 2
    assert email.body.count("Open it:") == 1 and "more)" not in email.subject
    assert Reminder.objects.filter(pk__in=delivered + waiting, state="delivered").count() == 3


def test_step_done_after_claim_is_not_delivered(overdue_case, users, program_a):
    ids = claimed_for(program_a, overdue_case)
    services.acknowledge_case(actor=users["a_staff"], case=overdue_case)
    mail.outbox.clear()
    result = deliver_reminders(ids, program=program_a)
    assert result["delivered"] == 0 and mail.outbox == []
    assert not Notification.objects.filter(case_id=overdue_case.pk).exists()


def test_one_message_delivers_each_programs_reminders_in_its_own_schema(
    overdue_case, users, program_a, program_b
):
    """A message carrying two programs: each part runs in its own schema, under its own role;
    ids of B's reminders listed under A's schema are not delivered there (nor as A's)."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import Membership
    from config.dbroles import role_for_schema
    from notifications.tasks import deliver_reminders_of_programs
    from tenants.models import Participant
    from workflow.models import PartyRole

    reported = timezone.now() - timedelta(days=3)
    with tenant_context(program_b):
        person = Participant.objects.create(code="T-b-overdue")
        case_b = services.report_case(
            actor=users["b_staff"],
            kind="incident",
            occurred_at=reported,
            reported_at=reported,
            narrative="Shouting at the window.",
            categories=["other"],
            severity="low",
            parties=[{"role": PartyRole.HARMED_PERSON, "participant": person}],
        )
    claimed = claim_due()
    connection.set_schema_to_public()
    ids_a, ids_b = (
        list(
            Reminder.objects.filter(
                pk__in=claimed.get(program.schema_name, []), program=program, case_id=case.pk
            ).values_list("pk", flat=True)
        )
        for program, case in ((program_a, overdue_case), (program_b, case_b))
    )
    assert len(ids_a) == len(ids_b) == 1
    seen = []
    real = connection.cursor

    def watching_cursor(*args, **kwargs):
        cursor = real(*args, **kwargs)
        cursor.execute("SELECT current_user, current_schemas(false)")
        seen.append(cursor.fetchone())
        return cursor

    mail.outbox.clear()
    connection.cursor = watching_cursor
    try:
        deliver_reminders_of_programs.fn(
            {program_a.schema_name: ids_a + ids_b, program_b.schema_name: ids_b}
        )
    finally:
        del connection.cursor
    database = connection.settings_dict["NAME"]
    parts = {
        (role_for_schema(database, program.schema_name), (program.schema_name, "public"))
        for program in (program_a, program_b)
    }
    public = (role_for_schema(database, "public"), ("public",))
    ran_as = {(role, tuple(schemas)) for role, schemas in seen}
    # Each program's part as that program's role on its own schema; nothing else but public.
    assert parts <= ran_as <= parts | {public}
    rows = Reminder.objects.filter(pk__in=ids_a + ids_b)
    assert set(rows.values_list("state", flat=True)) == {"delivered"}
    assert set(
        Notification.objects.filter(reminder__in=ids_a).values_list("program", flat=True)
    ) == {program_a.pk}
    assert set(
        Notification.objects.filter(reminder__in=ids_b).values_list("program", flat=True)
    ) == {program_b.pk}
    for program in (program_a, program_b):
        members = set(
            Membership.objects.filter(program=program).values_list("user__email", flat=True)
        )
        sent = [
            m
            for m in mail.outbox
            if m.extra_headers["X-Reminder-Delivery"].startswith(f"p{program.pk}:")
        ]
        assert sent and {m.to[0] for m in sent} <= members
    # Delivered once: the same message again finds nothing to do.
    mail.outbox.clear()
    deliver_reminders_of_programs.fn({program_a.schema_name: ids_a, program_b.schema_name: ids_b})
    assert mail.outbox == []


def test_claimed_reminders_are_packed_several_programs_to_a_message():
    from notifications.services.dispatch import pack

    claimed = {"a_prog": [1, 2], "b_prog": [3], "c_prog": list(range(10, 17)), "d_prog": [20]}
    messages = list(pack(claimed, size=4))
    assert messages == [
        {"a_prog": [1, 2], "b_prog": [3]},
        {"c_prog": [10, 11, 12, 13]},
        {"c_prog": [14, 15, 16], "d_prog": [20]},
    ]


def test_demo_cases_bring_every_kind_within_minutes(db, world, program_a, in_program):
    from notifications.demo import load_demo_cases
    from workflow.reminders import ReminderKind

    users = {k: world.users[f"a_{k}"] for k in ("admin", "lead", "staff")}
    load_demo_cases(program_a, users)
    soon = Reminder.objects.filter(
        program=program_a, state="pending", due_at__lte=timezone.now() + timedelta(minutes=5)
    )
    assert set(soon.values_list("kind", flat=True)) == set(ReminderKind.values)
    ids = set(soon.values_list("pk", flat=True))
    later = timezone.now() + timedelta(minutes=5)
    claimed = [pk for pk in claim_due(now=later).get(program_a.schema_name, []) if pk in ids]
    mail.outbox.clear()
    with in_program(program_a):
        result = deliver_reminders(claimed, program=program_a)
    assert result["delivered"] == len(ids)
    # Every reminder reached someone by email; a person's come in one email for the program.
    emailed = Notification.objects.filter(reminder_id__in=ids, emailed=True)
    assert {n.reminder_id for n in emailed} == ids
    sent = [key for m in mail.outbox for key in m.extra_headers["X-Reminder-Delivery"].split()]
    assert sorted(sent) == sorted(f"{n.idempotency_key}|email" for n in emailed)
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox)


def test_keyed_mailbox_keeps_one_message_per_key(tmp_path):
    from django.core.mail import EmailMessage

    from notifications.mail import KeyedFileBackend

    def message(key):
        return EmailMessage(
            "Due",
            "Body",
            "a@example.test",
            ["b@example.test"],
            headers={"Message-ID": f"<{key}@example.test>"},
        )

    backend = KeyedFileBackend(file_path=tmp_path)
    backend.send_messages([message("one"), message("two")])
    backend.send_messages([message("one")])  # sent again after a crash
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_reminders_of_a_program_being_retired_wait(overdue_case, program_a):
    """Its jobs would be refused (dead letters): its reminders stay pending until it is back."""
    from organizations.models import Program, ProgramStatus

    Program.objects.filter(pk=program_a.pk).update(
        status=ProgramStatus.RETIRING, retiring_since=timezone.now()
    )
    assert claimed_for(program_a, overdue_case) == []
    assert "pending" in open_kinds_states(overdue_case)
    Program.objects.filter(pk=program_a.pk).update(
        status=ProgramStatus.SUSPENDED, retiring_since=None
    )
    assert claimed_for(program_a, overdue_case)


def open_kinds_states(case):
    return set(Reminder.objects.filter(case_id=case.pk).values_list("state", flat=True))


def _deliver_now(program, case, kinds):
    """Bring the case's pending reminders of these kinds due, deliver them, and return who got
    each kind: {kind: {user id}}."""
    Reminder.objects.filter(case_id=case.pk, state="pending", kind__in=kinds).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    ids = claimed_for(program, case)
    assert deliver_reminders(ids, program=program)["delivered"] == len(ids)
    received = {}
    for kind, user_id in Notification.objects.filter(reminder_id__in=ids).values_list(
        "kind", "user_id"
    ):
        received.setdefault(kind, set()).add(user_id)
    return received


def test_each_reminder_reaches_its_audience(make_case, users, people, advance, program_a):
    """Hearing: the staff who attend. Appeal decision: who may review it, not the decider.
    Restorative action: its owner. Ban ending: the whole staff. The rest: the case owner."""
    ids = {key: user.pk for key, user in users.items()}
    heard = make_case()
    services.schedule_hearing(
        actor=users["a_staff"],
        case=advance(heard, "investigating"),
        scheduled_for=timezone.now() + timedelta(days=3),
        facilitator=users["a_staff2"],
    )
    assert _deliver_now(program_a, heard, ["hearing_upcoming"]) == {
        "hearing_upcoming": {ids["a_staff2"]}
    }

    decided = advance(make_case(), "hearing")
    decide_with_an_action(decided, users)
    owner = {decided.owner_id}
    after_decision = ["appeal_window_closing", "restorative_action_due", "follow_up_due"]
    assert _deliver_now(program_a, decided, [*after_decision, "community_check_in"]) == {
        "appeal_window_closing": owner,
        "restorative_action_due": {ids["a_staff2"]},
        "follow_up_due": owner,
        "community_check_in": owner,
    }
    services.file_appeal(
        actor=users["a_staff"],
        case=decided,
        party=decided.parties.get(role="person_who_did_harm"),
        grounds="The ban was too long.",
    )
    # Reviewers are admins and leads by default; the lead decided, so only the admin may.
    assert _deliver_now(program_a, decided, ["appeal_decision_due"]) == {
        "appeal_decision_due": {ids["a_admin"]}
    }

    banned = make_case()
    ban_for_three_days(banned, users, people)
    staff = {ids[key] for key in ("a_admin", "a_lead", "a_staff", "a_staff2")}
    assert _deliver_now(program_a, banned, ["ban_ending"]) == {"ban_ending": staff}


def test_an_undelivered_reminder_is_sent_again_later_each_time(overdue_case, program_a, settings):
    """A reminder sent to a worker and not delivered (the worker died, the message was lost)
    is claimed again once the wait has passed; the wait doubles with each attempt."""
    settings.REMINDER_REENQUEUE_AFTER_SECONDS = 60
    (pk,) = claimed_for(program_a, overdue_case)
    sent = Reminder.objects.get(pk=pk).enqueued_at

    def claimed_at(when):
        return pk in claim_due(now=when).get(program_a.schema_name, [])

    assert not claimed_at(sent + timedelta(seconds=59))
    assert claimed_at(sent + timedelta(seconds=61))
    again = Reminder.objects.get(pk=pk)
    assert again.attempts == 2
    assert not claimed_at(again.enqueued_at + timedelta(seconds=119))  # twice the wait now
    assert claimed_at(again.enqueued_at + timedelta(seconds=121))
