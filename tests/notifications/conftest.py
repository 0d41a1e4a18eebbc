"""Case-building fixtures shared with the workflow tests, and reminder helpers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.services.dispatch import claim_due
from tests.workflow.conftest import advance, in_a, make_case, people, users  # noqa: F401
from workflow.outbox.models import Reminder


def claimed_for(program, *cases):
    """Claim due reminders, and return the ids among them that belong to these cases."""
    claimed = claim_due().get(program.schema_name, [])
    return list(
        Reminder.objects.filter(
            pk__in=claimed, program=program, case_id__in=[c.pk for c in cases]
        ).values_list("pk", flat=True)
    )


@pytest.fixture
def overdue_case(make_case):  # noqa: F811  (the fixture imported above)
    """A case reported three days ago: its acknowledgement is overdue now."""
    reported = timezone.now() - timedelta(days=3)
    return make_case(reported_at=reported, occurred_at=reported - timedelta(hours=1))
