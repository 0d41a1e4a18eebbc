"""Keep a case's reminders in step with the case, inside the step's own transaction."""

from django.db import connection
from django.utils import timezone

from organizations.models import Program
from workflow.outbox.models import OPEN_STATES, Reminder, ReminderState
from workflow.reminders import keyed, reminder_points_many, worth_creating


def _current_program():
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Program) and tenant.pk is not None else None


def sync_case_reminders(case, *, now=None):
    """Cancel what no longer applies (step done, case closed, deadline moved), and add what is
    new. Called by every workflow step (through `record_event`) in its transaction, with the
    case row locked, so the reminders change exactly when the case does."""
    program = _current_program()
    if program is None:
        return
    now = now or timezone.now()
    wanted = keyed(reminder_points_many([case.pk]).get(case.pk, []), program.pk)
    existing = dict(
        Reminder.objects.filter(program=program, case_id=case.pk).values_list(
            "idempotency_key", "state"
        )
    )
    stale = [key for key, state in existing.items() if key not in wanted and state in OPEN_STATES]
    if stale:
        # Conditional update: a row the dispatcher just claimed is cancelled all the same. The
        # program (the keys name it already) keeps the scan to its rows when statistics from
        # before a burst lead the planner to the index of every program's open reminders.
        Reminder.objects.filter(
            program=program, idempotency_key__in=stale, state__in=OPEN_STATES
        ).update(state=ReminderState.CANCELLED, cancelled_at=now)
    # A deadline that moves back to where it was brings its cancelled reminder back.
    revived = [
        key
        for key, state in existing.items()
        if key in wanted and state == ReminderState.CANCELLED and worth_creating(wanted[key], now)
    ]
    if revived:
        Reminder.objects.filter(
            program=program, idempotency_key__in=revived, state=ReminderState.CANCELLED
        ).update(state=ReminderState.PENDING, cancelled_at=None, enqueued_at=None, attempts=0)
    new = [
        Reminder(
            program=program,
            case_id=case.pk,
            kind=item.kind,
            ref_id=item.ref_id,
            target_at=item.target_at,
            due_at=item.due_at,
            idempotency_key=key,
        )
        for key, item in wanted.items()
        if key not in existing and worth_creating(item, now)
    ]
    if new:
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
