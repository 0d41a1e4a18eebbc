"""The reminder pipeline past the outbox, one module per stage: `dispatch` hands due reminders
to workers, `delivery` runs in a worker and sends them, `digest` sends the daily digest emails.
(The workflow writes the outbox itself: workflow.outbox.sync.)"""
