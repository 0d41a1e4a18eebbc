"""The reminder outbox: a public-schema table of due reminders, written by the workflow in the
transaction of each step (sync) and read by notifications, which delivers them."""
