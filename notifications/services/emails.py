"""Reminder emails, built with Django's email API: one per person per program part, listing
every reminder of that part the person gets by email (a morning's overdue cases arrive as one
email, not a burst of ten), under a Message-ID derived from the delivery keys it carries. The
sentences under the listed reminders are put together once per program and kind of body."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def message_id(key):
    return f"<reminder-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{settings.BASE_DOMAIN}>"


@dataclass(frozen=True)
class EmailedReminder:
    """One reminder's lines in an email: its title (in the recipient's language), the page it
    is about, whether it is overdue, and its delivery key."""

    title: str
    path: str
    overdue: bool
    key: str


class ReminderEmails:
    """Builds the emails of one program's reminders; what is the same for all of them (the
    body under the listed reminders) is rendered once per kind of body and language."""

    def __init__(self, program):
        self.program = program
        self._bodies = {}
        self._opens = {}

    def _body_under_list(self, *, overdue, several, language):
        """`overdue`: whether any listed reminder is overdue (they come by email whatever the
        person chose); `several`: whether the email lists more than one. A few sentences, so
        they are put together here rather than by a template rendered for every program."""
        if (overdue, several, language) not in self._bodies:
            with translation.override(language):
                paragraphs = []
                if overdue and several:
                    paragraphs.append(_("Overdue reminders always come by email."))
                elif overdue:
                    paragraphs.append(_("This is overdue. Overdue reminders always come by email."))
                see = _("See your notifications for %(program)s:") % {"program": self.program.name}
                paragraphs.append(f"{see}\n{self.program.site_url('/notifications/')}")
                paragraphs.append(
                    _(
                        "You can choose how other reminders reach you on the same page, "
                        "under Preferences."
                    )
                )
            self._bodies[overdue, several, language] = "".join(f"\n\n{p}" for p in paragraphs)
        return self._bodies[overdue, several, language]

    def _opens_line(self, path, language):
        opens = self._opens.get(language)
        if opens is None:
            with translation.override(language):
                opens = self._opens[language] = _("Open it: %(link)s")
        return opens % {"link": self.program.site_url(path)}

    def build(self, *, reminders, address, language=None):
        """One email to `address` listing `reminders` (EmailedReminder, in the order given),
        written in `language` (the recipient's; default: the active one), as the titles are."""
        language = language or translation.get_language()
        # Two reminders of the same deadline that fall due together (a queue that was behind)
        # read the same: the person sees the line once; both keys go with the email.
        lines = list(
            dict.fromkeys(
                f"{reminder.title}\n{self._opens_line(reminder.path, language)}"
                for reminder in reminders
            )
        )
        first, count = reminders[0], len(lines)
        listed = "\n\n".join(lines)
        body = self._body_under_list(
            overdue=any(reminder.overdue for reminder in reminders),
            several=count > 1,
            language=language,
        )
        subject = first.title
        if count > 1:
            with translation.override(language):
                subject = ngettext(
                    "%(title)s (and %(count)d more)", "%(title)s (and %(count)d more)", count - 1
                ) % {"title": first.title, "count": count - 1}
        # One key for the email, the same whenever the same reminders are sent again (a
        # redelivered message), so a mail system (or a person) can tell a duplicate apart.
        key = " ".join(reminder.key for reminder in reminders)
        return EmailMessage(
            subject=f"[{self.program.name}] {subject}",
            body=listed + body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": message_id(key), "X-Reminder-Delivery": key},
        )
