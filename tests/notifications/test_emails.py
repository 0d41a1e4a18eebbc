"""Reminder emails are built quickly, and read the same as the standard library writes them."""

from email import message_from_bytes
from email._policybase import compat32
from email.header import decode_header, make_header

from django.core.mail import EmailMessage
from hypothesis import given
from hypothesis import strategies as st

from notifications.services.emails import SHORT_HEADERS_AS_IS, ReminderEmails

HEADER_NAMES = ["Subject", "To", "From", "Message-ID", "X-Reminder-Delivery", "Date"]
ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126) | st.just("\t"))


@given(name=st.sampled_from(HEADER_NAMES), value=ascii_text | st.text(max_size=90))
def test_headers_are_written_as_the_standard_policy_writes_them(name, value):
    for linesep in ("\n", "\r\n"):
        standard = compat32.clone(linesep=linesep).fold_binary(name, value)
        quick = SHORT_HEADERS_AS_IS.clone(linesep=linesep).fold_binary(name, value)
        assert quick == standard


class Program:
    name = "Café Harbor drop-in"
    slug = "harbor"

    def site_url(self, path):
        return f"https://harbor.example.test{path}"


def _as_django_builds_it(email):
    plain = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        headers=email.extra_headers,
    )
    message = plain.message()
    message.replace_header("Date", "Sat, 21 Nov 2026 04:00:00 -0000")
    return message.as_bytes(linesep="\r\n")


def test_reminder_email_reads_as_before():
    emails = ReminderEmails(Program())
    key = "p12:acknowledgement_overdue:345:1795000000:1795000000|u67|email"
    for overdue in (True, False):
        email = emails.build(
            title="Case 345: acknowledgement overdue (it was due 11/21/2026 4:03 a.m.)",
            address="staff@example.test",
            key=key,
            overdue=overdue,
        )
        message = email.message()
        message.replace_header("Date", "Sat, 21 Nov 2026 04:00:00 -0000")
        raw = message.as_bytes(linesep="\r\n")
        assert raw == _as_django_builds_it(email)
        parsed = message_from_bytes(raw)
        assert "[Café Harbor drop-in] Case 345" in str(
            make_header(decode_header(parsed["Subject"]))
        )
        body = parsed.get_payload(decode=True).decode()
        assert body.startswith("Case 345: acknowledgement overdue")
        assert "https://harbor.example.test/notifications/" in body
        assert ("This is overdue." in body) == overdue
        assert key in parsed["X-Reminder-Delivery"].replace("\r\n ", "").replace("\n ", "")
