"""Reminder emails are built quickly, and read the same as the standard library writes them."""

import re
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.mail import EmailMessage
from hypothesis import given
from hypothesis import strategies as st

from notifications.services.emails import (
    PlainTextMessage,
    ReminderEmails,
    fold,
)

HEADER_NAMES = ["Subject", "To", "From", "Message-ID", "X-Reminder-Delivery", "Date"]
printable_ascii = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


@given(name=st.sampled_from(HEADER_NAMES), value=printable_ascii)
def test_folded_headers_unfold_to_their_value(name, value):
    folded = fold(name, value, "\r\n")
    lines = folded.split("\r\n")
    assert lines.pop() == ""
    assert "".join(lines) == f"{name}: {value}"  # unfolding removes only the line breaks
    for number, line in enumerate(lines):
        assert line.strip(), "a line of spaces only"
        if number:
            assert line.startswith(" ")
        if len(line) > 78:
            assert " " not in line.strip(), "a long line that could have been folded"


class Program:
    slug = "harbor"

    def __init__(self, name):
        self.name = name

    def site_url(self, path):
        return f"https://harbor.example.test{path}"


def _read(raw):
    parsed = message_from_bytes(raw)
    headers = {
        name: str(make_header(decode_header(re.sub(r"\r?\n", "", value)))).strip()
        for name, value in parsed.items()
    }
    return headers, parsed.get_payload(decode=True).decode()


@pytest.mark.parametrize(("name", "quick"), [("Harbor drop-in", True), ("Café Harbor", False)])
def test_reminder_email_reads_as_django_would_build_it(settings, name, quick):
    key = "p12:acknowledgement_overdue:345:1795000000:1795000000|u67|email"
    for overdue in (True, False):
        email = ReminderEmails(Program(name)).build(
            title="Case 345: acknowledgement overdue (it was due 11/21/2026 4:03 a.m.)",
            address="staff@example.test",
            key=key,
            overdue=overdue,
        )
        message = email.message()
        assert isinstance(message, PlainTextMessage) == quick
        django = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=email.from_email,
            to=email.to,
            headers=email.extra_headers,
        ).message()
        for linesep in ("\n", "\r\n"):
            ours, theirs = (
                _read(message.as_bytes(linesep=linesep)),
                _read(django.as_bytes(linesep=linesep)),
            )
            ours[0].pop("Date"), theirs[0].pop("Date")
            assert ours == theirs
            headers, body = ours
            assert headers["Subject"].startswith(f"[{name}] Case 345")
            assert headers["X-Reminder-Delivery"] == key
            assert body.startswith("Case 345: acknowledgement overdue")
            assert "https://harbor.example.test/notifications/" in body
            assert ("This is overdue." in body) == overdue
        lines = message.as_bytes(linesep="\r\n").split(b"\r\n")
        assert max(map(len, lines)) <= 998
