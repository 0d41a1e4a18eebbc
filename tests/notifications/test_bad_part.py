"""A message carrying several programs' reminders: a part that cannot be delivered (here an
address that would inject a header) fails alone; the other programs' reminders go out, and
the message is retried for the failed part only to find the others done (issue 13)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications.services.dispatch import claim_due
from workflow import services
from workflow.outbox.models import Reminder


def test_a_bad_part_fails_only_its_own_program(overdue_case, users, program_a, program_b):
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from notifications.tasks import PartsFailed, deliver_reminders_of_programs
    from tenants.models import Participant
    from workflow.models import PartyRole

    reported = timezone.now() - timedelta(days=3)
    with tenant_context(program_b):
        person = Participant.objects.create(code="T-b-bad-part")
        case_b = services.report_case(
            actor=users["b_staff"],
            kind="incident",
            occurred_at=reported,
            reported_at=reported,
            narrative="Shouting at the window.",
            categories=["other"],
            severity="low",
            parties=[{"role": PartyRole.HARMED_PERSON, "participant": person}],
        )
    claimed = claim_due()
    connection.set_schema_to_public()
    ids = {
        program: list(
            Reminder.objects.filter(
                pk__in=claimed.get(program.schema_name, []), program=program, case_id=case.pk
            ).values_list("pk", flat=True)
        )
        for program, case in ((program_a, overdue_case), (program_b, case_b))
    }
    assert ids[program_a] and ids[program_b]
    # Program A's part comes first (programs are read in name order) and cannot be sent.
    User.objects.filter(pk=users["a_staff"].pk).update(
        email="a_staff@example.test\nBcc: everyone@example.test"
    )
    mail.outbox.clear()
    work = {program.schema_name: reminder_ids for program, reminder_ids in ids.items()}
    with pytest.raises(PartsFailed, match=program_a.schema_name):
        deliver_reminders_of_programs.fn(work)

    states = dict(Reminder.objects.filter(pk__in=sum(ids.values(), [])).values_list("pk", "state"))
    assert {states[pk] for pk in ids[program_b]} == {"delivered"}
    assert {states[pk] for pk in ids[program_a]} == {"enqueued"}  # left for the retry
    # B's emails went out (A's sent before its bad one are sent again on the retry, under the
    # same Message-ID, as after any failed send).
    assert any(
        m.extra_headers["X-Reminder-Delivery"].startswith(f"p{program_b.pk}:") for m in mail.outbox
    )
