"""Reminder emails: one per person per reminder, keyed by its delivery key, built with Django's
email API. The body's template is rendered once per program and kind of body, as only its first
lines (the title and the link) differ between a program's reminders."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _


def message_id(key):
    return f"<reminder-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{settings.BASE_DOMAIN}>"


class ReminderEmails:
    """Builds the emails of one program's reminders; what is the same for all of them (the
    body under the title) is rendered once per kind of body."""

    def __init__(self, program):
        self.program = program
        self._bodies = {}
        self._opens = {}

    def _body_under_title(self, *, overdue, language):
        if (overdue, language) not in self._bodies:
            with translation.override(language):
                self._bodies[overdue, language] = get_template(
                    "notifications/reminder_email.txt"
                ).render(
                    {
                        "program": self.program,
                        "link": self.program.site_url("/notifications/"),
                        "overdue": overdue,
                    },
                )
        return self._bodies[overdue, language]

    def build(self, *, title, address, key, overdue, path, language=None):
        """`path`: the page the reminder is about (its case), linked under the title. Written
        in `language` (the recipient's; default: the active one); the title comes in it."""
        language = language or translation.get_language()
        body = self._body_under_title(overdue=overdue, language=language)
        opens = self._opens.get(language)
        if opens is None:
            with translation.override(language):
                opens = self._opens[language] = _("Open it: %(link)s")
        opens = opens % {"link": self.program.site_url(path)}
        return EmailMessage(
            subject=f"[{self.program.name}] {title}",
            body=f"{title}\n{opens}" + body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The delivery key, so a mail system (or a person) can tell a duplicate apart.
            headers={"Message-ID": message_id(key), "X-Reminder-Delivery": key},
        )
