"""Reminder emails: one per person per reminder, keyed by its delivery key.

A worker builds thousands of these in a burst (every deadline of the morning falls due at
once), and building them, not sending, was half of a worker's time: the standard library runs
every header through its folding and encoding machinery, which a short single-line ASCII header
does not need, and the body's template was rendered for each email although only its first
line, the title, differs between a program's reminders.
"""

import hashlib
from email._policybase import Compat32

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import get_template


class _ShortHeadersAsIs(Compat32):
    """The standard (compat32) policy, except that a header that already fits on one line and
    is printable ASCII is written as it is. For those headers this is what the standard folding
    writes too (tests/notifications/test_emails.py compares them); any other header (long,
    non-ASCII, already encoded) goes through the standard folding."""

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and value.isprintable()  # no line breaks, tabs or other control characters
            and len(name) + 2 + len(value) <= (self.max_line_length or 78)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


SHORT_HEADERS_AS_IS = _ShortHeadersAsIs()


class ReminderEmail(EmailMessage):
    def message(self):
        message = super().message()
        message.policy = SHORT_HEADERS_AS_IS
        return message


def message_id(key):
    return f"<reminder-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{settings.BASE_DOMAIN}>"


class ReminderEmails:
    """Builds the emails of one program's reminders; what is the same for all of them (the
    body under the title) is rendered once per kind of body."""

    def __init__(self, program):
        self.program = program
        self._bodies = {}

    def _body_under_title(self, *, overdue):
        if overdue not in self._bodies:
            self._bodies[overdue] = get_template("notifications/reminder_email.txt").render(
                {
                    "program": self.program,
                    "link": self.program.site_url("/notifications/"),
                    "overdue": overdue,
                },
            )
        return self._bodies[overdue]

    def build(self, *, title, address, key, overdue):
        return ReminderEmail(
            subject=f"[{self.program.name}] {title}",
            body=title + self._body_under_title(overdue=overdue),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The delivery key, so a mail system (or a person) can tell a duplicate apart.
            headers={"Message-ID": message_id(key), "X-Reminder-Delivery": key},
        )
