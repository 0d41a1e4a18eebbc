"""The reminder pipeline, one module per stage: `sync` writes reminders with the case change,
`dispatch` hands due ones to workers, `delivery` runs in a worker and sends them, `digest` sends
the daily digest emails."""

from notifications.services.sync import sync_case_reminders

__all__ = ["sync_case_reminders"]
