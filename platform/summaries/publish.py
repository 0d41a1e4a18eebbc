"""Publishing: from the raw monthly counts of every program (public schema, never served) to the
suppressed `Summary` rows the API and page read. One release replaces the previous one whole,
in one transaction, so readers never see a mix, and suppression is decided over all programs
and rollups at once (the same cell in overlapping rollups is protected together)."""

import time
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import LIVE_STATUSES, HealthDepartment, Program
from summaries.metrics import MEDIANS, ROOTS, as_tuples, figures, merge_histograms
from summaries.models import ProgramMonth, Publication, Scope, Summary
from summaries.suppression import suppress

PUBLISH_LOCK_KEY = 7_431_205_119


def threshold():
    return settings.SUMMARIES_SUPPRESSION_THRESHOLD


def next_month(month):
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def published_months(now=None):
    """Complete months only (a month still under way would show misleadingly low counts),
    the most recent SUMMARIES_MONTHS of them."""
    current = timezone.localdate(now or timezone.now()).replace(day=1)
    months = (
        ProgramMonth.objects.filter(month__lt=current)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[: settings.SUMMARIES_MONTHS]
    )
    return sorted(months)


def _groups(programs, providers_of):
    """Rollup groups: {(scope, key...): set(program ids)}."""
    groups = defaultdict(set)
    for p in programs:
        dept, ptype = p["health_department_id"], p["program_type"]
        groups[(Scope.DEPARTMENT, dept)].add(p["id"])
        groups[(Scope.PROGRAM_TYPE, ptype)].add(p["id"])
        for provider in providers_of[dept]:
            groups[(Scope.PROVIDER, provider)].add(p["id"])
            groups[(Scope.PROVIDER_TYPE, provider, ptype)].add(p["id"])
    return groups


def _summary_row(key, month, count, metrics):
    scope = key[0]
    row = Summary(scope=scope, month=month, program_count=count, metrics=metrics)
    if scope == Scope.DEPARTMENT:
        row.department_id = key[1]
    elif scope == Scope.PROVIDER:
        row.provider_id = key[1]
    elif scope == Scope.PROVIDER_TYPE:
        row.provider_id, row.program_type = key[1], key[2]
    else:
        row.program_type = key[1]
    return row


def release_for_month(month, programs, raw, providers_of, *, limit, min_programs):
    """The Summary rows of one month (unsaved)."""
    ids = [p["id"] for p in programs]
    counts = {pid: raw.get(pid, {}).get("counts", {}) for pid in ids}
    groups = _groups(programs, providers_of)
    shown_p, shown_g, values_g, kept = {}, {}, defaultdict(dict), {}
    for root, tree in ROOTS.items():
        release = suppress(
            tree=tree,
            programs={pid: as_tuples(counts[pid], root) for pid in ids},
            groups=groups,
            threshold=limit,
            min_programs=min_programs,
        )
        kept = release.groups
        for (pid, fam), ok in release.program_rows.items():
            shown_p[(pid, root, fam)] = ok
        for (g, fam), ok in release.group_rows.items():
            shown_g[(g, root, fam)] = ok
        for g, vals in release.group_values.items():
            values_g[g][root] = vals
    rows = []
    for p in programs:
        pid = p["id"]
        values = {root: as_tuples(counts[pid], root) for root in ROOTS}
        shown = {(r, f.name): shown_p[(pid, r, f.name)] for r, tree in ROOTS.items() for f in tree}
        metrics = figures(values, shown, raw.get(pid, {}).get("histograms", {}), limit)
        row = Summary(
            scope=Scope.PROGRAM,
            month=month,
            program_id=pid,
            department_id=p["health_department_id"],
            program_type=p["program_type"],
            program_count=1,
            metrics=metrics,
        )
        rows.append(row)
    for g, members in kept.items():
        shown = {(r, f.name): shown_g[(g, r, f.name)] for r, tree in ROOTS.items() for f in tree}
        histograms = {
            name: merge_histograms(
                raw.get(pid, {}).get("histograms", {}).get(name, {}) for pid in members
            )
            for _key, name, _root, _family in MEDIANS
        }
        metrics = figures(values_g[g], shown, histograms, limit)
        rows.append(_summary_row(g, month, len(members), metrics))
    return rows


def publish(*, now=None):
    """Rebuild every Summary row from the raw counts. Idempotent; concurrent calls queue."""
    started = time.perf_counter()
    now = now or timezone.now()
    limit = threshold()
    min_programs = settings.SUMMARIES_MIN_PROGRAMS
    months = published_months(now)
    all_programs = list(
        Program.objects.filter(status__in=LIVE_STATUSES)
        .values("id", "health_department_id", "program_type", "created_at")
        .order_by("id")
    )
    providers_of = defaultdict(list)
    for dept, provider in HealthDepartment.providers.through.objects.values_list(
        "healthdepartment_id", "taprovider_id"
    ):
        providers_of[dept].append(provider)
    raw = defaultdict(dict)
    for r in ProgramMonth.objects.filter(month__in=months).values(
        "program_id", "month", "counts", "histograms"
    ):
        raw[r["month"]][r["program_id"]] = r
    rows = []
    for month in months:
        end = next_month(month)
        # A program counts in a month if it existed then or recorded cases in it.
        programs = [
            p
            for p in all_programs
            if timezone.localdate(p["created_at"]) < end or p["id"] in raw[month]
        ]
        rows += release_for_month(
            month, programs, raw[month], providers_of, limit=limit, min_programs=min_programs
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])
        Summary.objects.all().delete()
        Summary.objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            # Every row was just replaced: fresh statistics keep the API's plans right.
            cursor.execute("ANALYZE summaries_summary")
        return Publication.objects.create(
            published_at=now,
            threshold=limit,
            months=len(months),
            rows=len(rows),
            seconds=time.perf_counter() - started,
        )
