"""Reminder emails: one per person per reminder, keyed by its delivery key.

A worker builds thousands of these in a burst (every deadline of the morning falls due at
once), and building them, not sending, was half of a worker's time (about a third of a
million machine instructions per email): the standard library builds a tree of objects for a
one-part text, and runs every header through folding and encoding machinery that a plain
ASCII header does not need. So an email whose headers are all printable ASCII is written
directly (`PlainTextMessage`); any other (a program name with accents, say) is built by Django
as usual. The body's template is rendered once per program, as only its first line, the
title, differs between a program's reminders.
"""

import hashlib
import re
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, utf8_charset
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

LINE_LENGTH = 78  # RFC 5322 2.1.1: lines SHOULD be no longer than this
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what the standard library counts as one


def fold(name, value, linesep="\n"):
    """A header line, folded at spaces to lines of at most 78 characters where the words
    allow it (RFC 5322 2.2.3); unfolding it gives the value back. For printable ASCII only."""
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        # Never a line of spaces only (RFC 5322 forbids it): such a line keeps its word.
        if len(line) + 1 + len(word) > LINE_LENGTH and line.strip():
            lines.append(line)
            line = ""
        line = f"{line} {word}"
    lines.append(line)
    return linesep.join(lines) + linesep


class PlainTextMessage:
    """A one-part text/plain email, as the email backends use it (`as_bytes`, `get_charset`),
    for headers that are all printable ASCII. The standard library reads it back as the
    message Django builds (tests/notifications/test_emails.py)."""

    def __init__(self, headers, body):
        self.headers = headers
        self.body = body

    def get_charset(self):
        return utf8_charset

    def as_bytes(self, unixfrom=False, linesep="\n"):
        encoding = "7bit" if self.body.isascii() else "8bit"
        head = [
            'Content-Type: text/plain; charset="utf-8"',
            "MIME-Version: 1.0",
            f"Content-Transfer-Encoding: {encoding}",
        ]
        text = "".join(line + linesep for line in head)
        text += "".join(fold(name, value, linesep) for name, value in self.headers)
        return (text + linesep + LINE_BREAK.sub(linesep, self.body)).encode()


def _printable_ascii(value):
    return value.isascii() and value.isprintable()


class ReminderEmail(EmailMessage):
    def message(self):
        headers = [
            ("Subject", str(self.subject)),
            ("From", self.from_email),
            ("To", ", ".join(self.to)),
            ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
            *self.extra_headers.items(),
        ]
        if (
            self.cc
            or self.bcc
            or self.reply_to
            or self.attachments
            or self.content_subtype != "plain"
            or not all(_printable_ascii(value) for _name, value in headers)
            or any(
                len(line.encode()) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
                for line in self.body.splitlines()
            )
        ):
            return super().message()
        return PlainTextMessage(headers, self.body)


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
        return ReminderEmail(
            subject=f"[{self.program.name}] {title}",
            body=f"{title}\n{opens}" + body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The delivery key, so a mail system (or a person) can tell a duplicate apart.
            headers={"Message-ID": message_id(key), "X-Reminder-Delivery": key},
        )
