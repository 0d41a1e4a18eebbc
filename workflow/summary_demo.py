"""Demo figures for `make run`: a second health department served by the demo TA provider, and
nine more programs across both departments (five in each with Eastside, five of each of two
program types: every kind of rollup publishes) whose past months hold made-up counts (as if
counted from made-up cases), so that months, quarters and the last whole year publish and the
flags have something to show. Two programs struggle (late answers, harmed people not heard)."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from organizations.models import Domain, HealthDepartment, Program, ProgramType
from organizations.services import program_host, provision_program
from summaries.models import ProgramMonth
from summaries.publish import next_month, publish
from workflow.summary_synthetic import synthetic_month

# (name, slug, department index, type, made-up cases a month, struggle)
PROGRAMS = [
    ("Harbor Syringe Services", "harbor", 0, ProgramType.SYRINGE_SERVICES, (20, 40), 0.0),
    ("Northgate Drop-in", "northgate", 0, ProgramType.DROP_IN, (12, 28), 0.0),
    ("Mill Street SSP", "mill-street", 0, ProgramType.SYRINGE_SERVICES, (6, 14), 0.0),
    ("Eastgate Syringe Outreach", "eastgate", 0, ProgramType.SYRINGE_SERVICES, (8, 16), 0.9),
    ("Riverside Drop-in", "riverside", 1, ProgramType.DROP_IN, (20, 40), 0.0),
    ("Canal Syringe Access", "canal", 1, ProgramType.SYRINGE_SERVICES, (14, 30), 0.0),
    ("Southside SSP", "southside", 1, ProgramType.SYRINGE_SERVICES, (8, 18), 0.8),
    ("Westfield Drop-in", "westfield", 1, ProgramType.DROP_IN, (10, 22), 0.0),
    ("Lakeview Drop-in", "lakeview", 1, ProgramType.DROP_IN, (5, 12), 0.0),
]
EASTSIDE_CASES = (8, 18)


def months_with_figures(today):
    """The months that are settled today, over the window the summaries keep."""
    last = today - timedelta(days=settings.SUMMARIES_SETTLE_DAYS)
    month = today.replace(day=1)
    for _ in range(settings.SUMMARIES_MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
    out = []
    while next_month(month) <= last:
        out.append(month)
        month = next_month(month)
    return out


def made_up_months(months):
    """[(slug, department index, program type, month, {"counts", "histograms"})] of every demo
    program (Eastside last, as "eastside"), drawn in a fixed order from a fixed seed: the same
    figures at every `make run`, and in bench/run.py summaries_coverage."""
    rng = random.Random(2026)  # noqa: S311  (made-up demo figures, not security)
    out = []
    programs = [(slug, d, t, cases, s) for _n, slug, d, t, cases, s in PROGRAMS]
    programs.append(("eastside", 0, ProgramType.DROP_IN, EASTSIDE_CASES, 0.0))
    for slug, dept, ptype, (low, high), struggle in programs:
        for month in months:
            data = synthetic_month(rng, rng.randint(low, high), struggle=struggle)
            out.append((slug, dept, ptype, month, data))
    return out


def load_demo_summaries(*, provider, department, eastside):
    """Returns the publication made at the end."""
    second = HealthDepartment.objects.create(
        name="Riverside County Public Health", jurisdiction="Riverside County"
    )
    second.providers.add(provider)
    departments = [department, second]
    now = timezone.now()
    months = months_with_figures(timezone.localdate(now))
    programs = {"eastside": eastside}
    for name, slug, dept, ptype, _cases, _struggle in PROGRAMS:
        program = Program.objects.create(
            name=name, slug=slug, program_type=ptype, health_department=departments[dept]
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        provision_program(program_id=program.pk)
        programs[slug] = program
    # The programs existed through the whole window (they only joined the platform now).
    Program.objects.filter(pk__in=[p.pk for p in programs.values()]).update(
        created_at=now - timedelta(days=800)
    )
    ProgramMonth.objects.bulk_create(
        ProgramMonth(program=programs[slug], month=month, computed_at=now, **data)
        for slug, _d, _t, month, data in made_up_months(months)
    )
    return publish(now=now)
