"""Re-check every case timeline in every program: each event must follow the one before it and
match its own hash. Reports each broken chain; exits non-zero if there is any."""

import sys

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_exists, tenant_context

from organizations.models import LIVE_STATUSES, Program
from workflow.models import Case, CaseEvent
from workflow.models.events import broken_links


def verify_program_records():
    """[(case_id, seq, problem)] for the active schema."""
    problems = []
    for case_id in Case.objects.order_by("pk").values_list("pk", flat=True):
        events = CaseEvent.objects.filter(case_id=case_id).order_by("seq")
        if not events.exists():
            problems.append((case_id, 0, "has no timeline"))
        problems += [(case_id, seq, problem) for seq, problem in broken_links(events)]
    return problems


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        programs = Program.objects.filter(status__in=LIVE_STATUSES).order_by("slug")
        broken = 0
        for program in programs:
            if not schema_exists(program.schema_name):
                continue
            with tenant_context(program):
                problems = verify_program_records()
            for case_id, seq, problem in problems:
                broken += 1
                self.stdout.write(f"{program.slug}: case {case_id} event #{seq}: {problem}")
            if not problems:
                self.stdout.write(f"{program.slug}: every case record is intact")
        if broken:
            self.stderr.write(f"{broken} broken link(s) found")
            sys.exit(1)
