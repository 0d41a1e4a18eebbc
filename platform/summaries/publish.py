"""Publishing: from the counts each program's workflow wrote (ProgramMonth, public schema, never
served) to the suppressed `Summary` rows the API and page read.

- A month is *settled* SUMMARIES_SETTLE_DAYS after it ends (late acknowledgements and responses
  are in by then): its counts, and each program's department, type and providers, are frozen
  as they are (`ProgramMonth.settled_at`), and nothing later changes them.
- Figures are published only for settled periods: months, quarters whose three months are
  settled and years whose twelve are, per program and per rollup (department, TA provider, TA
  provider and program type, program type, all programs).
- One suppression run per calendar year decides every figure of that year together (no figure
  spans two years), with the figures of earlier releases passed in as frozen: a published row is
  never changed or removed, so comparing releases teaches nothing new.
"""

import time
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import LIVE_STATUSES, HealthDepartment, Program
from summaries import metrics
from summaries.models import ProgramMonth, Publication, Scope, SettledMonth, Summary
from summaries.suppression import PROTECTS, TOTAL, suppress

PUBLISH_LOCK_KEY = 7_431_205_119


def threshold():
    return settings.SUMMARIES_SUPPRESSION_THRESHOLD


def next_month(month):
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_key(month):
    return f"{month:%Y-%m}"


def quarter_key(month):
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def year_key(month):
    return f"{month.year}"


def periods_of(months):
    """{period key: (kind, first month, frozenset(months))} for the whole periods among
    `months` (settled months)."""
    months = set(months)
    out = {}
    for m in months:
        out[month_key(m)] = ("month", m, frozenset([m]))
    for year in {m.year for m in months}:
        for q in range(4):
            quarter = [date(year, 3 * q + i, 1) for i in (1, 2, 3)]
            if months.issuperset(quarter):
                out[quarter_key(quarter[0])] = ("quarter", quarter[0], frozenset(quarter))
        whole = [date(year, i, 1) for i in range(1, 13)]
        if months.issuperset(whole):
            out[year_key(whole[0])] = ("year", whole[0], frozenset(whole))
    return out


def entities_of(program, info):
    """The entities an atom (one program, one month) counts in, from its frozen attributes."""
    dept, ptype = info["department"], info["program_type"]
    yield ("program", program)
    yield ("department", dept)
    yield ("program_type", ptype)
    yield ("all",)
    for provider in info["providers"]:
        yield ("provider", provider)
        yield ("provider_type", provider, ptype)


def candidate_groups(atom_info, periods, min_programs):
    """{(entity, period key): frozenset(atoms)} for every figure that may be published, apart
    from the atom rows themselves (one program, one month). atom_info: {(program, month):
    {"department", "program_type", "providers"}}; periods: from periods_of. Rollups need at
    least `min_programs` programs."""
    members = defaultdict(set)
    for atom, info in atom_info.items():
        program, month = atom
        for entity in entities_of(program, info):
            for key, (_kind, _first, months) in periods.items():
                if month in months:
                    members[(entity, key)].add(atom)
    out = {}
    for (entity, key), atoms in members.items():
        if entity[0] == "program":
            if periods[key][0] != "month":
                out[(entity, key)] = frozenset(atoms)
        elif len({p for p, _m in atoms}) >= min_programs:
            out[(entity, key)] = frozenset(atoms)
    return out


# Up to this many programs, complementary suppression is checked by exact linear algebra
# against every figure the API could offer (summaries.audit); beyond, the class rule alone
# decides (it needs no algebra, and with many programs its classes are large enough anyway).
AUDIT_MAX_PROGRAMS = 40


def audit_targets(atom_info, periods):
    """The sets of atoms whose counts must never be pinned from 1 to threshold - 1: every atom,
    every program and every rollup over every period, even rollups too small to be offered, and
    any two programs together over a period (the difference of two rollups); None when there
    are too many programs to check them all (see AUDIT_MAX_PROGRAMS)."""
    programs = sorted({p for p, _m in atom_info}, key=str)
    if len(programs) > AUDIT_MAX_PROGRAMS:
        return None
    out = [frozenset([a]) for a in atom_info]
    out += list(candidate_groups(atom_info, periods, 1).values())
    for _kind, _first, months in periods.values():
        of = {p: frozenset(a for a in atom_info if a[0] == p and a[1] in months) for p in programs}
        out += [of[p] | of[q] for i, p in enumerate(programs) for q in programs[i + 1 :]]
    return list(dict.fromkeys(t for t in out if t))


def summary_key(entity, period):
    name = {"program_type": "type"}.get(entity[0], entity[0])
    return "-".join([name, *(str(part) for part in entity[1:])]) + "." + period


# -- settling ----------------------------------------------------------------------------


def months_to_settle(today):
    """Months ended at least SUMMARIES_SETTLE_DAYS ago, within the last SUMMARIES_MONTHS, not
    settled yet, from the first month any program counted."""
    first = ProgramMonth.objects.order_by("month").values_list("month", flat=True).first()
    if first is None:
        return []
    last_end = today - timedelta(days=settings.SUMMARIES_SETTLE_DAYS)
    month = today.replace(day=1)
    for _ in range(settings.SUMMARIES_MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
    month = max(month, first)
    settled = set(SettledMonth.objects.values_list("month", flat=True))
    out = []
    while next_month(month) <= last_end:
        if month not in settled:
            out.append(month)
        month = next_month(month)
    return out


def settle(month, now):
    """Freeze one month's counts and each program's groupings as they are now."""
    end = next_month(month)
    providers_of = defaultdict(list)
    for dept, provider in HealthDepartment.providers.through.objects.values_list(
        "healthdepartment_id", "taprovider_id"
    ):
        providers_of[dept].append(provider)
    counted = set(ProgramMonth.objects.filter(month=month).values_list("program_id", flat=True))
    programs = [
        p
        for p in Program.objects.filter(status__in=LIVE_STATUSES).values(
            "id", "health_department_id", "program_type", "created_at"
        )
        # A program counts in a month if it existed then or recorded cases in it.
        if timezone.localdate(p["created_at"]) < end or p["id"] in counted
    ]
    for p in programs:
        ProgramMonth.objects.update_or_create(
            program_id=p["id"],
            month=month,
            create_defaults={"counts": {}, "histograms": {}, "computed_at": now},
            defaults={
                "settled_at": now,
                "department_id": p["health_department_id"],
                "program_type": p["program_type"],
                "provider_ids": sorted(providers_of[p["health_department_id"]]),
            },
        )
    # Programs retired since: their counts stay out, as before.
    ProgramMonth.objects.filter(month=month, settled_at__isnull=True).delete()
    SettledMonth.objects.create(month=month, settled_at=now)


# -- one year's release ------------------------------------------------------------------


def _decisions_of(row_metrics):
    """{(root, family): published?} of a row published earlier (frozen)."""
    out = {}
    for root, tree in metrics.roots().items():
        for fam in tree:
            key = metrics.count_key(root, fam.name, fam.components[0])
            out[(root, fam.name)] = row_metrics.get(key) is not None
    return out


def release_for_year(year_atoms, existing, *, limit, min_programs, now, audited=True):
    """New (unsaved) Summary rows of one year. year_atoms: ProgramMonth rows (settled);
    existing: {key: metrics} of the year's rows published earlier. audited=False: the class
    rule alone (as before the audit; bench/summaries_coverage.py compares the two)."""
    atom_info = {
        (r.program_id, r.month): {
            "department": r.department_id,
            "program_type": r.program_type,
            "providers": r.provider_ids,
        }
        for r in year_atoms
    }
    by_atom = {(r.program_id, r.month): r for r in year_atoms}
    periods = periods_of({m for _p, m in atom_info})
    groups = candidate_groups(atom_info, periods, min_programs)
    targets = audit_targets(atom_info, periods) if audited else None
    # A program's own month is worth more to a reader than a program type's month.
    expendable = {
        g
        for g in groups
        if g[0][0] in ("program_type", "provider_type") and periods[g[1]][0] == "month"
    }
    key_of = {atom: summary_key(("program", atom[0]), month_key(atom[1])) for atom in atom_info}
    key_of.update({g: summary_key(*g) for g in groups})
    new = [k for k in key_of if key_of[k] not in existing]
    if not new:
        return []
    forced_rows = {k: _decisions_of(existing[key_of[k]]) for k in key_of if key_of[k] in existing}
    decided = {}
    for root, tree in metrics.roots().items():
        forced = {
            (k, fam.name): decisions[(root, fam.name)]
            for k, decisions in forced_rows.items()
            for fam in tree
        }
        release = suppress(
            tree=tree,
            atoms={a: metrics.as_tuples(by_atom[a].counts, root) for a in atom_info},
            owner={a: a[0] for a in atom_info},
            groups=groups,
            threshold=limit,
            forced=forced,
            targets=targets,
            expendable=expendable,
        )
        for k in new:
            rows = release.group_rows if k in groups else release.atom_rows
            for fam in tree:
                ok = rows[(k, fam.name)]
                decided[(k, root, fam.name)] = (
                    None if ok else release.reasons.get((k, fam.name), PROTECTS)
                )
    out = []
    for k in new:
        members = groups.get(k, frozenset([k]))
        counts = {}
        for a in members:
            metrics.add_counts(counts, by_atom[a].counts)
        values = {root: metrics.as_tuples(counts, root) for root in metrics.roots()}
        histograms = defaultdict(dict)
        for a in members:
            for name, h in by_atom[a].histograms.items():
                histograms[name] = metrics.merge_histograms([histograms[name], h])
        decisions = {
            (root, fam.name): decided[(k, root, fam.name)]
            for root, tree in metrics.roots().items()
            for fam in tree
        }
        figures, reasons = metrics.figures(values, decisions, histograms, limit)
        entity, period = (("program", k[0]), month_key(k[1])) if k in atom_info else k
        out.append(_summary_row(key_of[k], entity, period, periods[period], members, by_atom, now))
        out[-1].metrics, out[-1].reasons = figures, reasons
    return out


def _summary_row(key, entity, period, period_info, members, by_atom, now):
    kind, first, _months = period_info
    latest = by_atom[max(members, key=lambda a: a[1])]
    row = Summary(
        key=key,
        period=period,
        period_kind=kind,
        month=first,
        program_count=len({p for p, _m in members}),
        published_at=now,
    )
    scope = entity[0]
    if scope == "program":
        row.scope = Scope.PROGRAM
        row.program_id, row.department_id = entity[1], latest.department_id
        row.program_type = latest.program_type
    elif scope == "department":
        row.scope, row.department_id = Scope.DEPARTMENT, entity[1]
    elif scope == "provider":
        row.scope, row.provider_id = Scope.PROVIDER, entity[1]
    elif scope == "provider_type":
        row.scope, row.provider_id, row.program_type = Scope.PROVIDER_TYPE, entity[1], entity[2]
    elif scope == "program_type":
        row.scope, row.program_type = Scope.PROGRAM_TYPE, entity[1]
    else:
        row.scope = Scope.ALL
    return row


def publish(*, now=None):
    """Settle the months due and publish every figure not yet published. Idempotent; concurrent
    calls queue; earlier rows are never changed."""
    started = time.perf_counter()
    now = now or timezone.now()
    limit = threshold()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])
        settling = months_to_settle(timezone.localdate(now))
        for month in settling:
            settle(month, now)
        settled = ProgramMonth.objects.filter(settled_at__isnull=False)
        years = sorted({m.year for m in settled.values_list("month", flat=True).distinct()})
        rows = []
        for year in years:
            atoms = list(settled.filter(month__year=year))
            existing = dict(Summary.objects.filter(month__year=year).values_list("key", "metrics"))
            rows += release_for_year(
                atoms,
                existing,
                limit=limit,
                min_programs=settings.SUMMARIES_MIN_PROGRAMS,
                now=now,
            )
        Summary.objects.bulk_create(rows, batch_size=2000)
        if rows:
            with connection.cursor() as cursor:
                # Many rows were just added: fresh statistics keep the API's plans right.
                cursor.execute("ANALYZE summaries_summary")
        return Publication.objects.create(
            published_at=now,
            threshold=limit,
            months=len(settling),
            rows=len(rows),
            seconds=time.perf_counter() - started,
        )


__all__ = ["TOTAL", "next_month", "publish"]
