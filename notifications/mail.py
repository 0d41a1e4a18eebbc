"""A development mailbox that behaves like an email provider with idempotency keys: one file
per message key (the Message-ID, derived from the delivery keys of the reminders the email
lists), so a message sent again after a crash replaces itself instead of arriving twice.

Why: a worker can die after the mail server accepted a message and before the database
committed the delivery; the redelivered job then sends it again. Plain SMTP cannot tell, so
with it email is at-least-once in that instant (in-app notifications and delivery records stay
exactly once). Providers that accept an idempotency key, and this backend, make it exactly
once when the job sent again lists the same reminders for the person, as a retried message
does. If instead the dispatcher sends the rows again, grouped differently (after the
re-enqueue wait), the new email has a new key. Use with
EMAIL_BACKEND=notifications.mail.KeyedFileBackend and EMAIL_FILE_PATH."""

import hashlib
import os
from email.utils import make_msgid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class KeyedFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages):
        for message in email_messages:
            key = message.extra_headers.get("Message-ID") or make_msgid()
            name = hashlib.sha256(key.encode()).hexdigest()[:32]
            partial = self.folder / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, self.folder / f"{name}.eml")  # atomic: whole or not at all
        return len(email_messages)
