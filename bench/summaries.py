"""TA summaries: latency of the main endpoint (/api/ta/summaries/, a TA token) with 10 and with
1,000 programs (12 months each, counts seeded in bulk and published with suppression), and the
time to recompute all 1,000 programs' summaries from their own schemas (cloned once with a few
cases each, kept between runs) and publish them."""

import random
import time
from datetime import timedelta

from _django import median, percentile

MONTHS = 12
RC_PREFIX = "benchrc"


def _months():
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    out = []
    for _ in range(MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
        out.append(month)
    return out


def _seed(label, count, departments):
    """A provider serving `departments` departments holding `count` programs in all, each with
    MONTHS months of made-up counts. Returns the provider. Reused between runs."""
    from django.utils import timezone

    from organizations.models import (
        HealthDepartment,
        Program,
        ProgramStatus,
        ProgramType,
        TAProvider,
    )
    from summaries.models import ProgramMonth
    from workflow.summary_synthetic import synthetic_month

    provider, _ = TAProvider.objects.get_or_create(name=f"Bench provider {label}")
    existing = Program.objects.filter(slug__startswith=f"bench{label}-")
    if existing.count() == count:
        if not ProgramMonth.objects.filter(program__in=existing).exists():
            rng = random.Random(label)
            ProgramMonth.objects.bulk_create(
                [
                    ProgramMonth(
                        program=p,
                        month=m,
                        computed_at=timezone.now(),
                        **synthetic_month(rng, rng.randint(2, 45)),
                    )
                    for p in existing
                    for m in _months()
                ],
                batch_size=2000,
            )
        return provider
    rng = random.Random(label)
    created = timezone.now() - timedelta(days=400)
    types = ProgramType.values
    programs = []
    for d in range(departments):
        dept, _ = HealthDepartment.objects.get_or_create(name=f"Bench {label} dept {d}")
        dept.providers.add(provider)
        per = count // departments
        for i in range(per):
            slug = f"bench{label}-{d}-{i}"
            programs.append(
                Program(
                    name=slug,
                    slug=slug,
                    schema_name=f"bench{label}_{d}_{i}",
                    program_type=types[i % len(types)],
                    health_department=dept,
                    status=ProgramStatus.READY,
                )
            )
    programs = Program.objects.bulk_create(programs, batch_size=1000)
    Program.objects.filter(pk__in=[p.pk for p in programs]).update(created_at=created)
    rows = [
        ProgramMonth(
            program=p,
            month=m,
            computed_at=timezone.now(),
            **synthetic_month(rng, rng.randint(2, 45)),
        )
        for p in programs
        for m in _months()
    ]
    ProgramMonth.objects.bulk_create(rows, batch_size=2000)
    return provider


def _ta_token(provider):
    from accounts.models import Membership, Role, User
    from summaries.services import create_api_token

    email = f"ta-{provider.pk}@bench.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
    Membership.objects.get_or_create(user=user, role=Role.TA_STAFF, provider=provider)
    return create_api_token(user=user, name="bench", days=30)[1]


def _latency(token, rounds):
    from django.db import connection
    from django.test import Client

    # A persistent database connection, as deployed (DB_CONN_MAX_AGE): the figure is the
    # endpoint's own work, not a new connection per request.
    connection.settings_dict["CONN_MAX_AGE"] = 600
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    times = []
    for i in range(rounds + 20):
        started = time.perf_counter()
        response = client.get("/api/ta/summaries/")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        if i >= 20:
            times.append(elapsed * 1000)
    return median(times), percentile(times, 95), response.json()["count"]


# What counting reads: a cheap copy of these tables stands in for a full program schema.
COUNTED_TABLES = [
    "workflow_case",
    "workflow_decision",
    "workflow_investigation",
    "workflow_hearing",
    "workflow_appeal",
    "workflow_ban",
    "workflow_restorationplan",
    "workflow_restorativeaction",
    "workflow_followup",
]


def _seed_program():
    """One real program (cloned from the template) with three cases made by the services."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.models import Membership, Role, User
    from organizations.models import HealthDepartment, Program, ProgramStatus, ProgramType
    from organizations.services import provision_program
    from workflow import services
    from workflow.models import Case

    dept, _ = HealthDepartment.objects.get_or_create(name="Bench recompute dept")
    slug = f"{RC_PREFIX}-seed"
    program = Program.objects.filter(slug=slug).first() or Program.objects.create(
        name=slug, slug=slug, program_type=ProgramType.DROP_IN, health_department=dept
    )
    if program.status != ProgramStatus.READY:
        program = provision_program(program_id=program.pk)
    email = "rc@bench.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
    Membership.objects.get_or_create(user=user, program=program, role=Role.PROGRAM_STAFF)
    with tenant_context(program):
        if not Case.objects.exists():
            for k in range(3):
                services.report_case(
                    actor=user,
                    kind=("incident", "complaint")[k % 2],
                    occurred_at=timezone.now() - timedelta(days=40 + k),
                    reported_at=timezone.now() - timedelta(days=39 + k),
                    narrative="Bench case.",
                    categories=["other"],
                    severity="low",
                )
    connection.set_schema_to_public()
    return program, dept


def _recompute_programs(n):
    """n programs whose schemas hold copies of the seed program's counted tables (made once,
    kept between runs): the cost of counting, without cloning n full schemas."""
    from django.db import connections, transaction

    from config import dbroles
    from organizations.models import Program, ProgramStatus, ProgramType
    from organizations.schemas import app_role

    Program.objects.filter(slug__startswith=f"{RC_PREFIX}-c").update(
        status=ProgramStatus.FAILED, failure_reason="bench copy: counted tables only"
    )
    seed, dept = _seed_program()
    owner = connections["owner"]
    owner.set_schema_to_public()
    with owner.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        schemas = {row[0] for row in cursor.fetchall()}
    have = {
        slug
        for slug, schema in Program.objects.filter(slug__startswith=f"{RC_PREFIX}-c").values_list(
            "slug", "schema_name"
        )
        if schema in schemas
    }
    for i in range(n - 1):
        slug = f"{RC_PREFIX}-c{i}"
        if slug in have:
            continue
        # Not READY: `migrate_all` must never visit a schema holding only a few tables.
        program, _ = Program.objects.get_or_create(
            slug=slug,
            defaults={
                "name": slug,
                "program_type": ProgramType.DROP_IN,
                "health_department": dept,
                "status": ProgramStatus.FAILED,
                "failure_reason": "bench copy: counted tables only",
            },
        )
        # DDL and grants on the owner connection: the app role may not create schemas.
        with transaction.atomic(using="owner"), owner.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{program.schema_name}"')
            for table in COUNTED_TABLES:
                target, source = (
                    f'"{program.schema_name}"."{table}"',
                    f'"{seed.schema_name}"."{table}"',
                )
                cursor.execute(f"DROP TABLE IF EXISTS {target}")
                cursor.execute(f"CREATE TABLE {target} (LIKE {source} INCLUDING ALL)")
                cursor.execute(f"INSERT INTO {target} SELECT * FROM {source}")  # noqa: S608
            dbroles.grant_program(cursor, program.schema_name, app_role())
    copies = list(Program.objects.filter(slug__startswith=f"{RC_PREFIX}-c").order_by("pk")[: n - 1])
    return [seed, *copies]


def run(rounds=200, recompute_programs=1000):
    from django.db import connection
    from django_tenants.utils import tenant_context

    from summaries.publish import publish
    from workflow.summary_counts import recompute_current_program

    small = _seed("10", 10, 1)
    large = _seed("1000", 1000, 20)
    programs = _recompute_programs(recompute_programs)

    started = time.perf_counter()
    for program in programs:
        with tenant_context(program):
            recompute_current_program()
    counting = time.perf_counter() - started
    release = publish()
    connection.set_schema_to_public()
    recompute = counting + release.seconds

    med10, p95_10, rows10 = _latency(_ta_token(small), rounds)
    med1k, p95_1k, rows1k = _latency(_ta_token(large), rounds)
    print(f"TA summaries API (GET /api/ta/summaries/, token, {rounds} requests, page of 50)")
    print(f"                          {'10 programs':>14} {'1,000 programs':>16}")
    print(f"  rows visible to the TA  {rows10:>14} {rows1k:>16}")
    print(f"  median latency (ms)     {med10:>14.1f} {med1k:>16.1f}")
    print(f"  p95 latency (ms)        {p95_10:>14.1f} {p95_1k:>16.1f}")
    print(f"  1,000 / 10 (median)     {med1k / med10:>31.2f}  (target <= 1.5, median < 50 ms)")
    print(f"Recomputing {len(programs)} programs' summaries (one worker, in sequence)")
    print(
        f"  counting in each schema : {counting:8.1f} s  "
        f"({counting / len(programs) * 1000:.1f} ms each)"
    )
    print(
        f"  publishing (suppression): {release.seconds:8.1f} s  ({release.rows} rows, all programs)"
    )
    print(f"  total                   : {recompute:8.1f} s")
    return {"median_10_ms": med10, "median_1000_ms": med1k, "recompute_s": recompute}
