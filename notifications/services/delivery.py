"""Delivering reminders, in a worker, inside the program's schema.

Idempotent under redelivery: the reminder rows are locked and only rows still `enqueued` are
delivered; the delivery records (a notification per person) carry unique keys; and the row is
marked delivered in the same transaction that records them. A second message for the same rows
finds nothing to do.
"""

import logging

from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.kinds import OVERDUE_KINDS, RULE_BY_KIND, ReminderKind, case_path
from notifications.models import DeliveryChoice, Notification, Reminder, ReminderState
from notifications.services.emails import ReminderEmails
from notifications.services.recipients import find_people, recipients
from notifications.services.sync import keyed
from organizations.languages import language_for
from tenants.dates import WHEN_FORMAT, program_zone
from workflow.models import Case
from workflow.selectors import prefetch_reminder_relations, reminder_points

logger = logging.getLogger(__name__)

TITLES = {
    ReminderKind.ACKNOWLEDGEMENT_DUE: _("Case %(case)s: acknowledge it by %(when)s"),
    ReminderKind.ACKNOWLEDGEMENT_OVERDUE: _(
        "Case %(case)s: acknowledgement overdue (it was due %(when)s)"
    ),
    ReminderKind.RESPONSE_DUE: _("Case %(case)s: respond with an outcome by %(when)s"),
    ReminderKind.RESPONSE_OVERDUE: _("Case %(case)s: response overdue (it was due %(when)s)"),
    ReminderKind.HEARING_UPCOMING: _("Case %(case)s: hearing on %(when)s"),
    ReminderKind.APPEAL_WINDOW_CLOSING: _(
        "Case %(case)s: the appeal window closes %(when)s; remind the parties"
    ),
    ReminderKind.APPEAL_DECISION_DUE: _("Case %(case)s: appeal decision due %(when)s"),
    ReminderKind.BAN_ENDING: _(
        "Case %(case)s: a ban ends %(when)s; restore access and welcome the person back"
    ),
    ReminderKind.SUPPLY_GAP: _(
        "Case %(case)s: no supplies recorded for a banned person since before %(when)s; get "
        "supplies to them and log it"
    ),
    ReminderKind.RESTORATIVE_ACTION_DUE: _("Case %(case)s: restorative action due %(when)s"),
    ReminderKind.FOLLOW_UP_DUE: _("Case %(case)s: follow-up due %(when)s"),
    ReminderKind.COMMUNITY_CHECK_IN: _(
        "Case %(case)s: community-restoration check-in due %(when)s"
    ),
}


class _Titles:
    """Titles of one program's reminders, with dates in the program's time zone and the one
    format of pages and notices (tenants.dates). Reminders due together often share their
    deadline (a morning's cases, a hearing's attendees), and formatting a date in the active
    language costs more than the rest of the title."""

    def __init__(self):
        self._dates = {}
        self._words = {}
        self._zone = program_zone()  # one policy read per program's batch

    def __call__(self, reminder, language):
        """The title in the recipient's language (each recipient reads their own)."""
        date_key = (reminder.target_at, language)
        if date_key not in self._dates:
            with translation.override(language):
                self._dates[date_key] = dateformat.format(
                    timezone.localtime(reminder.target_at, self._zone), WHEN_FORMAT
                )
        words_key = (reminder.kind, language)
        if words_key not in self._words:
            with translation.override(language):
                self._words[words_key] = str(TITLES[reminder.kind])
        return self._words[words_key] % {"case": reminder.case_id, "when": self._dates[date_key]}


def _lock_cases(program, reminder_ids):
    """Share-lock and read the cases of those reminders still waiting for delivery, in one
    query: {case id: case}. A workflow step on one of them (which holds its row FOR UPDATE)
    either finished before, and we see it done, or waits until this delivery commits."""
    cases = Case.objects.raw(
        # The reminders are found by primary key alone, apart from the state test. With the
        # state in the same query, statistics taken when no row was waiting (every burst
        # starts so) make the planner read the whole index of waiting rows, for every part.
        "WITH sent AS MATERIALIZED (SELECT case_id, program_id, state"
        " FROM notifications_reminder WHERE id = ANY(%s))"
        " SELECT * FROM workflow_case WHERE id IN"
        " (SELECT case_id FROM sent WHERE program_id = %s AND state = %s)"
        " ORDER BY id FOR SHARE OF workflow_case",
        [list(reminder_ids), program.pk, ReminderState.ENQUEUED],
    )
    return {case.pk: case for case in cases}


def _lock_reminders(program, reminder_ids, cases):
    """Lock and read the rows still waiting whose case we locked. A row whose case we did not
    lock (it was not waiting a moment ago) is left to the message that enqueued it again.
    Raw SQL for what the ORM would send: building the query was a tenth of a worker's time."""
    rows = Reminder.objects.raw(
        # Only what delivery reads (the rest are the dispatcher's times and counts). The state
        # is tested on the locked rows, not in the query, for the reason given in _lock_cases.
        "SELECT id, program_id, case_id, kind, ref_id, target_at, idempotency_key, state"
        " FROM notifications_reminder"
        " WHERE id = ANY(%s) AND program_id = %s AND case_id = ANY(%s)"
        " ORDER BY id FOR UPDATE",
        [list(reminder_ids), program.pk, list(cases)],
    )
    return [row for row in rows if row.state == ReminderState.ENQUEUED]


def _still_due(program, rows, cases):
    """The rows that still apply: case open, step not done, deadline not moved. Only the
    relations the rows' kinds depend on are read."""
    kinds = {RULE_BY_KIND[row.kind].point for row in rows}
    prefetch_reminder_relations(cases.values(), kinds=kinds)
    wanted = set()
    for case in cases.values():
        wanted |= set(keyed(reminder_points(case, kinds=kinds), program.pk))
    return [row for row in rows if row.idempotency_key in wanted]


def _record(notifications):
    """Insert notifications ({field: value} each, every field given) in one statement.

    Not bulk_create: it prepares each field of each object in turn, which took a quarter of a
    worker's instructions for these plain values; the statement is the one it would send."""
    if not notifications:
        return
    names = list(notifications[0])
    fields = [Notification._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model's metadata, quoted; the values are parameters.
            f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})",  # noqa: S608  # nosec B608
            [[row[name] for row in notifications] for name in names],
        )


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
        due = _still_due(program, rows, cases)
        due_ids = {row.pk for row in due}
        stale = [row.pk for row in rows if row.pk not in due_ids]
        if stale:
            Reminder.objects.filter(pk__in=stale).update(
                state=ReminderState.CANCELLED, cancelled_at=now
            )
            counts["cancelled"] = len(stale)
        people = people or find_people([program.pk])[program.pk]
        who = recipients(people.staff, due, cases)
        notifications, emails = [], []
        titles, build_email = _Titles(), ReminderEmails(program).build
        default_language = language_for(program)
        for reminder in due:
            for user_id in sorted(who[reminder.pk] & people.addresses.keys()):
                language = people.languages.get(user_id) or default_language
                title = titles(reminder, language)
                choice = _choice(people, user_id, reminder.kind)
                emailed = choice == DeliveryChoice.IMMEDIATELY
                key = f"{reminder.idempotency_key}|u{user_id}"
                notifications.append(
                    {
                        "user_id": user_id,
                        "program_id": program.pk,
                        "reminder_id": reminder.pk,
                        "kind": reminder.kind,
                        "case_id": reminder.case_id,
                        "title": title,
                        "created_at": now,
                        "in_digest": choice == DeliveryChoice.DAILY_DIGEST,
                        "emailed": emailed,
                        "idempotency_key": key,
                    }
                )
                if emailed:
                    emails.append(
                        build_email(
                            title=title,
                            address=people.addresses[user_id],
                            key=f"{key}|email",
                            overdue=reminder.kind in OVERDUE_KINDS,
                            path=case_path(reminder.kind, reminder.case_id),
                            language=language,
                        )
                    )
        # A duplicate key raises here and rolls everything back: never twice.
        _record(notifications)
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
