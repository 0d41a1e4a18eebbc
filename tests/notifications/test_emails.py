"""Reminder emails read as a person expects (subject, link to the case, overdue wording), under
a Message-ID derived from the delivery key, and go out through a real SMTP conversation as
production sends them."""

import contextlib
import re
import socketserver
import threading
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from notifications.services.delivery import deliver_reminders
from notifications.services.emails import EmailedReminder, ReminderEmails, message_id
from tests.notifications.conftest import claimed_for


class Program:
    slug = "harbor"

    def __init__(self, name):
        self.name = name

    def site_url(self, path):
        return f"https://harbor.example.test{path}"


def _read(raw):
    parsed = message_from_bytes(raw)
    assert not parsed.defects, parsed.defects  # e.g. no blank line between headers and body
    headers = {
        name: str(make_header(decode_header(re.sub(r"\r?\n", "", value)))).strip()
        for name, value in parsed.items()
    }
    return headers, parsed.get_payload(decode=True).decode()


@pytest.mark.parametrize("name", ["Harbor drop-in", "Café Harbor"])
def test_reminder_email_reads_right(name):
    key = "p12:acknowledgement_overdue:345:1795000000:1795000000|u67|email"
    for overdue in (True, False):
        email = ReminderEmails(Program(name)).build(
            reminders=[
                EmailedReminder(
                    title="Case 345: acknowledgement overdue (it was due 11/21/2026 4:03 a.m.)",
                    path="/cases/345/#notices",
                    overdue=overdue,
                    key=key,
                )
            ],
            address="staff@example.test",
        )
        raw = email.message().as_bytes(linesep="\r\n")
        headers, body = _read(raw)
        assert headers["Subject"] == (
            f"[{name}] Case 345: acknowledgement overdue (it was due 11/21/2026 4:03 a.m.)"
        )
        assert headers["To"] == "staff@example.test"
        assert headers["Message-ID"] == message_id(key)
        assert headers["X-Reminder-Delivery"] == key
        assert body.startswith("Case 345: acknowledgement overdue")
        assert "https://harbor.example.test/notifications/" in body
        # The email leads to the case it is about, at the part that is due.
        assert "Open it: https://harbor.example.test/cases/345/#notices" in body
        assert ("This is overdue." in body) == overdue
        assert max(map(len, raw.split(b"\r\n"))) <= 998  # RFC 5322 line limit


def test_reminders_due_together_come_in_one_email_listing_each():
    """A person whose reminders of one program fall due together gets one email that lists
    each with its own link (not a burst of emails), under a key of its own."""
    listed = [
        EmailedReminder(
            title=f"Case {case}: acknowledgement overdue",
            path=f"/cases/{case}/#notices",
            overdue=case != 12,
            key=f"p1:acknowledgement_overdue:{case}:1:1|u2|email",
        )
        for case in (10, 11, 12)
    ]
    email = ReminderEmails(Program("Harbor")).build(reminders=listed, address="s@example.test")
    headers, body = _read(email.message().as_bytes(linesep="\n"))
    assert headers["Subject"] == "[Harbor] Case 10: acknowledgement overdue (and 2 more)"
    for case in (10, 11, 12):
        assert (
            f"Case {case}: acknowledgement overdue\nOpen it: https://harbor.example.test/cases/{case}/#notices"
            in body
        )
    assert "This is overdue." not in body and "Overdue reminders always come by email." in body
    assert headers["Message-ID"] not in {message_id(r.key) for r in listed}
    assert headers["X-Reminder-Delivery"].split() == [r.key for r in listed]
    again = ReminderEmails(Program("Harbor")).build(reminders=listed, address="s@example.test")
    assert again.extra_headers["Message-ID"] == headers["Message-ID"]


def test_two_reminders_of_one_deadline_due_together_read_once():
    """Two lead times of the same deadline falling due in the same part (a queue that was
    behind): the person reads the line once; both deliveries are in the email's keys."""
    same = [
        EmailedReminder(
            title="Case 2: respond with an outcome by 2 December 2026, 03:39",
            path="/cases/2/#summary",
            overdue=False,
            key=f"p1:response_due:2:1:{due}|u6|email",
        )
        for due in (100, 200)
    ]
    email = ReminderEmails(Program("Harbor")).build(reminders=same, address="s@example.test")
    headers, body = _read(email.message().as_bytes(linesep="\n"))
    assert body.count("Case 2: respond with an outcome") == 1
    assert (
        headers["Subject"] == "[Harbor] Case 2: respond with an outcome by 2 December 2026, 03:39"
    )
    assert headers["X-Reminder-Delivery"].split() == [r.key for r in same]


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321) to accept messages: envelope and data kept."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink")
        envelope, data = [], None
        while line := self.rfile.readline():
            if data is not None:
                if line == b".\r\n":
                    self.server.received.append((envelope, b"".join(data)))
                    envelope, data = [], None
                    self.reply("250 accepted")
                else:
                    data.append(line[1:] if line.startswith(b".") else line)  # dot-unstuffing
                continue
            command = line.decode().strip()
            if command.upper().startswith("RCPT TO:"):
                envelope.append(command[8:].strip(" <>"))
            if command.upper() == "DATA":
                data = []
                self.reply("354 go on")
            elif command.upper() == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@contextlib.contextmanager
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_reminder_emails_go_out_through_an_smtp_server(settings, overdue_case, users, program_a):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
        result = deliver_reminders(claimed_for(program_a, overdue_case), program=program_a)
    assert result["emails"] == 2
    staff, lead = users["a_staff"].email, users["a_lead"].email
    assert sorted(envelope for envelope, _data in server.received) == sorted([[staff], [lead]])
    for envelope, data in server.received:
        headers, body = _read(data)
        assert headers["To"] == envelope[0]
        assert headers["Subject"].startswith(f"[{program_a.name}] Case {overdue_case.pk}")
        assert headers["X-Reminder-Delivery"].endswith("|email")
        assert body.startswith(f"Case {overdue_case.pk}: acknowledgement overdue")
        assert "/notifications/" in body and "This is overdue." in body
        assert f"/cases/{overdue_case.pk}/#notices" in body  # the email leads to the case


def test_reminder_titles_use_the_programs_time_zone_and_one_format(
    db, in_program, program_a, world
):
    """Issue 15: one date format, in the program's time zone, in reminders as on pages."""
    from datetime import UTC, datetime

    from notifications.services.delivery import _Titles
    from tenants.dates import current_time_zone
    from tenants.models import PolicyVersion
    from tenants.policy import change_policy

    class Due:
        kind = "response_due"
        case_id = 12
        target_at = datetime(2026, 12, 1, 19, 33, tzinfo=UTC)

    with in_program(program_a):
        change_policy(actor=world.users["a_admin"], time_zone="America/Chicago")
        # What delivery reads beside its cases: the latest policy's zone.
        (zone,) = {v.zone for v in PolicyVersion.objects.annotate(zone=current_time_zone())}
        title = _Titles(zone)(Due())
    assert title == "Case 12: respond with an outcome by 1 December 2026, 13:33"
