"""What the summaries page shows, built from published Summary rows only: the largest groups
first, the flags ranked, every withheld cell with its reason, and a 12-month trend per rollup."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from organizations.models import ProgramType
from summaries import charts
from summaries.dictionary import label, reason_text
from summaries.models import PeriodKind, Scope, Summary

# (key, percent?, flag rule): (amber below/above, red below/above, "low" or "share" of cases).
INDICATORS = [
    ("cases", False, None),
    ("cases.acknowledgement.within_window_share", True, (0.9, 0.75, "low")),
    ("cases.response.within_window_share", True, (0.9, 0.75, "low")),
    ("cases.factor_supply_shortage.yes", False, (0.1, 0.25, "share")),
    ("cases.police.yes", False, (0.1, 0.2, "share")),
    ("cases.harmed_heard.share", True, (0.8, 0.6, "low")),
    ("bans.ended_early.share", True, None),
    ("ban_days.supplies.within_interval_share", True, (0.9, 0.75, "low")),
    ("follow_ups.status.completion_share", True, (0.8, 0.6, "low")),
]
TREND_METRICS = [k for k, _p, _f in INDICATORS] + [
    "cases.acknowledgement.median_days",
    "cases.response.median_days",
    "bans",
    "bans.median_days",
    "bans.appeal_change.share",
    "actions.status.completed_share",
    "actions.community.yes",
]
PERCENT = {k for k in TREND_METRICS if k.endswith("share")}
DEFAULT_TREND = "cases.response.within_window_share"
TREND_MONTHS = 12
TREND_ROLLUPS = 6
# Footnote marks for withheld cells, one per reason.
MARKS = {"small": "a", "protects": "b", "parent": "c", "few_values": "d"}


def row_label(row):
    type_label = ProgramType(row.program_type).label if row.program_type else ""
    if row.scope == Scope.PROGRAM:
        return row.program.name
    if row.scope == Scope.DEPARTMENT:
        return _("%(d)s (all its programs)") % {"d": row.department.name}
    if row.scope == Scope.PROVIDER:
        return _("All programs served by %(p)s") % {"p": row.provider.name}
    if row.scope == Scope.PROVIDER_TYPE:
        return f"{row.provider.name} · {type_label}"
    if row.scope == Scope.ALL:
        return _("All programs")
    return _("%(t)s, all programs") % {"t": type_label}


def entity_of(row):
    return (row.scope, row.program_id, row.department_id, row.provider_id, row.program_type)


def flag(value, metrics, rule):
    if value is None or rule is None:
        return ""
    warn, bad, kind = rule
    if kind == "low":
        return "bad" if value < bad else "warn" if value < warn else ""
    cases = metrics.get("cases")
    if not cases:
        return ""
    share = value / cases
    return "bad" if share >= bad else "warn" if share >= warn else ""


def severity(value, metrics, rule):
    """How far past the line a flagged figure is (for ranking): 0 to 1."""
    warn, _bad, kind = rule
    if kind == "low":
        return warn - value
    return value / metrics["cases"] - warn


@dataclass
class Cell:
    text: str
    flag: str = ""
    mark: str = ""
    reason: str = ""


@dataclass
class Line:
    label: str
    scope: str
    programs: int
    cells: list = field(default_factory=list)
    bad: int = 0


def cell_of(row, key, percent, rule):
    value = row.metrics.get(key)
    if value is None:
        code = row.reasons.get(key)
        if code is None:
            return Cell("")  # nothing to count (e.g. a share of no cases)
        return Cell("—", "", MARKS.get(code, ""), str(reason_text(code)))
    return Cell(charts.fmt(value, percent), flag(value, row.metrics, rule))


def table_for(rows):
    """One line per program or group of the period: groups first, largest first, then the
    programs with the most red; each withheld cell with its reason."""
    lines, flags = [], []
    for row in rows:
        line = Line(row_label(row), row.scope, row.program_count)
        for key, percent, rule in INDICATORS:
            cell = cell_of(row, key, percent, rule)
            line.cells.append(cell)
            if cell.flag:
                line.bad += cell.flag == "bad"
                value = row.metrics[key]
                flags.append(
                    {
                        "where": line.label,
                        "figure": label(key),
                        "value": cell.text,
                        "flag": cell.flag,
                        "rank": (cell.flag != "bad", -severity(value, row.metrics, rule)),
                    }
                )
        lines.append(line)
    groups = sorted(
        (ln for ln in lines if ln.scope != Scope.PROGRAM), key=lambda ln: (-ln.programs, ln.label)
    )
    programs = sorted(
        (ln for ln in lines if ln.scope == Scope.PROGRAM), key=lambda ln: (-ln.bad, ln.label)
    )
    flags.sort(key=lambda f: (f["rank"], f["where"]))
    return groups + programs, flags


# How many recent periods the page looks back over for one that publishes, and how close to
# the best of them a more recent one must come to be shown instead.
RECENT_PERIODS = 4
CLOSE_TO_BEST = 0.5


def published_cells(rows):
    return sum(row.metrics.get(key) is not None for row in rows for key, _p, _f in INDICATORS)


def period_that_publishes(rows, kind):
    """(period, first month) of the most recent period of this kind whose figures publish
    (nearly) as much as the best of the last few: never a latest period of dashes when the
    one before it shows figures."""
    recent = list(
        rows.filter(period_kind=kind)
        .order_by("-month")
        .values_list("period", "month")
        .distinct()[:RECENT_PERIODS]
    )
    if not recent:
        return None, None
    shown = {period: published_cells(rows.filter(period=period)) for period, _m in recent}
    best = max(shown.values())
    return next((p, m) for p, m in recent if shown[p] >= CLOSE_TO_BEST * best)


def default_kind(rows):
    """The longest period whose latest figures publish the most; a quarter if there is one."""
    for kind in (PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.YEAR):
        if rows.filter(period_kind=kind).exists():
            return kind
    return PeriodKind.MONTH


def headline(rows):
    """For each kind of period, the largest group whose case count is published in the latest
    such period: what the page leads with."""
    out = []
    for kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
        period, _month = period_that_publishes(rows, kind)
        if period is None:
            continue
        candidates = [
            r
            for r in rows.filter(period=period).exclude(scope=Scope.PROGRAM)
            if r.metrics.get("cases") is not None
        ]
        if not candidates:
            continue
        top = max(candidates, key=lambda r: (r.program_count, r.metrics["cases"]))
        out.append(
            {
                "period": period,
                "kind": PeriodKind(kind).label,
                "label": row_label(top),
                "programs": top.program_count,
                "cells": [
                    (label(key), cell_of(top, key, percent, rule))
                    for key, percent, rule in INDICATORS[:3] + INDICATORS[5:6]
                ],
            }
        )
    return out


def default_trend(rows):
    """The response share when most of its monthly points publish, else the case counts (a
    share of a few late answers a month is often withheld for a department)."""
    _months, charts_out, _hidden = trends(rows, DEFAULT_TREND, keep_empty=True)
    points = sum(len(c["values"]) for c in charts_out)
    shown = sum(c["published"] for c in charts_out)
    return DEFAULT_TREND if points and shown * 2 >= points else "cases"


def trends(rows, metric, *, keep_empty=False):
    """(months, charts, hidden): a 12-month line chart per rollup (largest first) with at least
    one published month (or every rollup, with keep_empty); withheld months are gaps. hidden:
    the labels of the largest rollups whose months are all withheld."""
    months = sorted(
        rows.filter(period_kind=PeriodKind.MONTH)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:TREND_MONTHS]
    )
    if not months:
        return [], [], []
    monthly = rows.filter(period_kind=PeriodKind.MONTH, month__in=months).exclude(
        scope=Scope.PROGRAM
    )
    series = {}
    for row in monthly:
        entry = series.setdefault(
            entity_of(row), {"label": row_label(row), "programs": 0, "data": {}}
        )
        entry["programs"] = max(entry["programs"], row.program_count)
        entry["data"][row.month] = row.metrics.get(metric)
    percent = metric in PERCENT
    biggest = sorted(series.values(), key=lambda e: (-e["programs"], e["label"]))
    charts_out = [
        {
            "label": e["label"],
            "svg": charts.line_chart(
                f"{e['label']}: {label(metric)}", months, [(e["label"], e["data"])], percent=percent
            ),
            "values": [charts.fmt(e["data"].get(m), percent) for m in months],
            "published": sum(e["data"].get(m) is not None for m in months),
        }
        for e in biggest[: TREND_ROLLUPS * 2]
        if keep_empty or any(e["data"].get(m) is not None for m in months)
    ]
    hidden = [
        e["label"]
        for e in biggest[:TREND_ROLLUPS]
        if not any(e["data"].get(m) is not None for m in months)
    ]
    return months, charts_out[:TREND_ROLLUPS], hidden


def rows_for(viewer_filter, *, department=None, program_type=None):
    rows = Summary.objects.filter(viewer_filter).select_related("program", "department", "provider")
    if department:
        rows = rows.filter(department=department)
    if program_type:
        rows = rows.filter(program_type=program_type)
    return rows
