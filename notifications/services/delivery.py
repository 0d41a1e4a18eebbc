"""Delivering reminders, in a worker, inside the program's schema.

Idempotent under redelivery: the reminder rows are locked and only rows still `enqueued` are
delivered; the delivery records (a notification per person) carry unique keys; and the row is
marked delivered in the same transaction that records them. A second message for the same rows
finds nothing to do.
"""

import logging
from collections import defaultdict

from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import dateformat, timezone, translation

from notifications.models import DeliveryChoice, Notification
from notifications.services.emails import EmailedReminder, ReminderEmails
from notifications.services.recipients import find_people, recipients, with_staff_parties
from organizations.languages import language_for
from tenants.dates import current_time_zone, when_format, zone_named
from workflow.models import Case
from workflow.outbox.models import Reminder, ReminderState
from workflow.reminders import (
    OVERDUE_KINDS,
    POINT_CASE_FIELDS,
    RULE_BY_KIND,
    case_path,
    still_due,
)

logger = logging.getLogger(__name__)


class _Titles:
    """Titles of one program's reminders, with dates in the program's time zone and the one
    format of pages and notices (tenants.dates). Reminders due together often share their
    deadline (a morning's cases, a hearing's attendees), and formatting a date in the active
    language costs more than the rest of the title."""

    def __init__(self, time_zone_name):
        self._dates = {}
        self._words = {}
        self._zone = zone_named(time_zone_name)

    def __call__(self, reminder, language=None):
        """The title in `language` (the recipient's: each reads their own; default: the
        active one)."""
        language = language or translation.get_language()
        date_key = (reminder.target_at, language)
        if date_key not in self._dates:
            with translation.override(language):
                self._dates[date_key] = dateformat.format(
                    timezone.localtime(reminder.target_at, self._zone), when_format()
                )
        words_key = (reminder.kind, language)
        if words_key not in self._words:
            with translation.override(language):
                self._words[words_key] = str(RULE_BY_KIND[reminder.kind].title)
        return self._words[words_key] % {"case": reminder.case_id, "when": self._dates[date_key]}


def _lock_cases(program, reminder_ids):
    """Lock and read the cases of those reminders still waiting for delivery: {case id: case}.
    A workflow step on one of them (which holds its row FOR UPDATE) either finished before, and
    we see it done, or waits until this delivery commits. (NO KEY UPDATE: rows that refer to
    the case can still be added meanwhile.)

    The reminders are found by primary key, their state is tested on the locked rows
    (_lock_reminders): with `state` in the query, statistics taken before a burst (no row
    waiting) lead the planner to scan the whole index of waiting rows for every part, 2-3 ms of
    database CPU each at 10,000 waiting. A case whose reminder was delivered meanwhile is
    locked for nothing, which only a redelivered message does.

    The staff members who are parties to each case and the program's time zone come in the
    same statement: each query costs a round trip and its own building in Python (measured
    side by side with `bench/run.py reminders`, reading them in queries of their own was
    slower)."""
    sent = Reminder.objects.filter(pk__in=reminder_ids, program=program)
    cases = (
        with_staff_parties(Case.objects.filter(pk__in=sent.values("case_id")))
        .only(*POINT_CASE_FIELDS, "owner")  # what the rules and recipients read
        .annotate(program_time_zone=current_time_zone())
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )
    return {case.pk: case for case in cases}


# What delivery reads of a reminder row (the rules, the recipients, the title and the record).
READ_FOR_DELIVERY = ("case_id", "kind", "ref_id", "target_at", "state", "idempotency_key")


def _lock_reminders(program, reminder_ids, cases):
    """Lock and read the rows still waiting whose case we locked. A row whose case we did not
    lock (it was not waiting a moment ago) is left to the message that enqueued it again. The
    state is tested here, not in the query (see _lock_cases)."""
    rows = (
        Reminder.objects.filter(pk__in=reminder_ids, program=program, case_id__in=list(cases))
        .only(*READ_FOR_DELIVERY)
        .order_by("pk")
        .select_for_update()
    )
    return [row for row in rows if row.state == ReminderState.ENQUEUED]


def _choice(people, user_id, kind):
    if kind in OVERDUE_KINDS:
        return DeliveryChoice.IMMEDIATELY  # overdue reminders cannot be muted or delayed
    return people.choices.get((user_id, kind), DeliveryChoice.IMMEDIATELY)


def deliver_reminders(reminder_ids, *, program=None, people=None, mail=None):
    """Deliver the given reminders of the active program. `people` (find_people) may be read
    beforehand for several programs at once, and `mail` (an open email connection) shared by
    them, so an SMTP session is not opened per program. Returns counts, for logs and tests."""
    program = program or connection.tenant
    now = timezone.now()
    counts = {"delivered": 0, "cancelled": 0, "skipped": 0, "emails": 0}
    with transaction.atomic():
        cases = _lock_cases(program, reminder_ids)
        if not cases:
            counts["skipped"] = len(reminder_ids)
            return counts
        rows = _lock_reminders(program, reminder_ids, cases)
        counts["skipped"] = len(reminder_ids) - len(rows)
        due = still_due(rows, cases, program.pk)
        due_ids = {row.pk for row in due}
        stale = [row.pk for row in rows if row.pk not in due_ids]
        if stale:
            Reminder.objects.filter(pk__in=stale).update(
                state=ReminderState.CANCELLED, cancelled_at=now
            )
            counts["cancelled"] = len(stale)
        people = people or find_people([program.pk])[program.pk]
        who = recipients(people.staff, due, cases)
        titles = _Titles(next(iter(cases.values())).program_time_zone)
        default_language = language_for(program)
        # {user id: what their one email lists}, and the language it is written in.
        notifications, emailed, languages = [], defaultdict(list), {}
        for reminder in due:
            for user_id in sorted(who[reminder.pk] & people.addresses.keys()):
                language = people.languages.get(user_id) or default_language
                title = titles(reminder, language)
                choice = _choice(people, user_id, reminder.kind)
                now_by_email = choice == DeliveryChoice.IMMEDIATELY
                key = f"{reminder.idempotency_key}|u{user_id}"
                notifications.append(
                    Notification(
                        user_id=user_id,
                        program=program,
                        reminder=reminder,
                        kind=reminder.kind,
                        case_id=reminder.case_id,
                        title=title,
                        in_digest=choice == DeliveryChoice.DAILY_DIGEST,
                        emailed=now_by_email,
                        idempotency_key=key,
                    )
                )
                if now_by_email:
                    languages[user_id] = language
                    emailed[user_id].append(
                        EmailedReminder(
                            title=title,
                            path=case_path(reminder.kind, reminder.case_id),
                            overdue=reminder.kind in OVERDUE_KINDS,
                            key=f"{key}|email",
                        )
                    )
        build_email = ReminderEmails(program).build
        emails = [
            build_email(
                reminders=listed, address=people.addresses[user_id], language=languages[user_id]
            )
            for user_id, listed in emailed.items()
        ]
        # A duplicate key raises here and rolls everything back: never twice.
        Notification.objects.bulk_create(notifications)
        Reminder.objects.filter(pk__in=due_ids).update(
            state=ReminderState.DELIVERED, delivered_at=now
        )
        counts["delivered"] = len(due)
        if emails:
            # Last, just before the commit: a failure here rolls the deliveries back and the
            # message is retried. Email is outside the transaction: a crash between the send
            # and the commit sends it again, under the same Message-ID (see notifications/mail.py).
            if mail is not None:
                mail.open()  # stays open for the message's other programs; the caller closes it
            counts["emails"] = (mail or get_connection()).send_messages(emails) or 0
    return counts
