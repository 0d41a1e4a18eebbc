from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    # In the public schema (a shared app), unlike the rest of the workflow: one table for every
    # program, so the dispatcher finds what is due without entering each program's schema.
    name = "workflow.outbox"
    label = "outbox"
    verbose_name = _("Reminder outbox")
