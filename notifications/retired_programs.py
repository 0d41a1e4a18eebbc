"""A retired program's reminders would only reach the dead-letter queue: they are cancelled in
the retirement's own transaction (organizations.lifecycle.program_retired)."""

from django.utils import timezone

from notifications.models import OPEN_STATES, Reminder, ReminderState


def cancel_reminders_of_retired_program(sender, *, program, **kwargs):
    Reminder.objects.filter(program=program, state__in=OPEN_STATES).update(
        state=ReminderState.CANCELLED, cancelled_at=timezone.now()
    )
