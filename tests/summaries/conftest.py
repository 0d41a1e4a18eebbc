"""Helpers for summaries tests: real cases through workflow.services, extra programs with made-up
monthly counts (so rollups of five or more programs exist), publishing, and API clients."""

import random
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from summaries.publish import next_month


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def in_last_month(day=3, hours=0):
    month = last_month()
    return timezone.make_aware(
        timezone.datetime(month.year, month.month, day, 10) + timedelta(hours=hours)
    )


def report_complaint(user, day, narrative, category="theft", hours_before=1):
    """A low-severity complaint with no parties, reported on `day` of last month (in the active
    program), `hours_before` after it happened."""
    from workflow import services

    return services.report_case(
        actor=user,
        kind="complaint",
        reported_at=in_last_month(day),
        occurred_at=in_last_month(day, -hours_before),
        narrative=narrative,
        categories=[category],
        severity="low",
    )


@pytest.fixture
def extra_programs(db, world):
    """Ten made-up programs in each department (never provisioned: publishing reads only the
    public schema), with counts for the last two complete months."""
    from organizations.models import Program, ProgramStatus, ProgramType
    from summaries.models import ProgramMonth
    from workflow.summary_synthetic import synthetic_month

    rng = random.Random(7)
    made = {"d1": [], "d2": []}
    months = [last_month(), (last_month() - timedelta(days=1)).replace(day=1)]
    for dept in ("d1", "d2"):
        for i in range(10):
            ptype = ProgramType.DROP_IN if i % 2 else ProgramType.SYRINGE_SERVICES
            program = Program.objects.create(
                name=f"Extra {dept} {i}",
                slug=f"extra-{dept}-{i}",
                program_type=ptype,
                health_department=world.departments[dept],
                status=ProgramStatus.READY,
            )
            made[dept].append(program)
            for month in months:
                data = synthetic_month(rng, rng.randint(15, 60))
                ProgramMonth.objects.create(
                    program=program, month=month, computed_at=timezone.now(), **data
                )
    return made


@pytest.fixture
def publish_now(db):
    def run(**overrides):
        from django.test import override_settings

        from summaries.publish import publish

        # Months settle the day after they end here (14 days in production), so last month's
        # counts publish in the test.
        with override_settings(**{"SUMMARIES_SETTLE_DAYS": 0, **overrides}):
            return publish()

    return run


@pytest.fixture
def token_for(db, world):
    """token_for(user_key, days=30) -> plaintext of a new API token."""
    from summaries.services import create_api_token

    def make(key, days=30):
        return create_api_token(user=world.users[key], name="test", days=days)[1]

    return make


@pytest.fixture
def token_client():
    def make(plaintext, host="localhost"):
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    return make


def first_day(d):
    return date(d.year, d.month, 1)


__all__ = ["first_day", "in_last_month", "last_month", "next_month"]
