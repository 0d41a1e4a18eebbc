"""Summaries on each role's home page: TA staff land on the summaries themselves; a
health-department admin sees their own programs' latest published figures (the same
suppressed rows as everywhere) on their home page."""

from django.db.models import Q

from summaries.access import viewer_for
from summaries.models import PeriodKind, Scope, Summary
from summaries.page import INDICATORS, cell_of, period_that_publishes, published_cells, row_label

HOME_FIGURES = [INDICATORS[0], INDICATORS[2], INDICATORS[5], INDICATORS[8]]


def lands_on_summaries(user, administers_departments):
    """TA staff without a department of their own start on the summaries."""
    return not administers_departments and bool(viewer_for(user).providers)


def department_figures(user):
    """{"period", "labels", "rows"} of the departments the user administers, or None."""
    departments = viewer_for(user).hd_departments
    if not departments:
        return None
    mine = Summary.objects.filter(
        Q(scope=Scope.PROGRAM) | Q(scope=Scope.DEPARTMENT), department__in=departments
    ).select_related("program", "department")
    # The most recent quarter whose department figures publish (not a quarter of dashes when
    # the one before shows figures), else such a year, else a month (else the latest quarter,
    # withheld, so the admin sees why).
    latest = None
    for kind in (PeriodKind.QUARTER, PeriodKind.YEAR, PeriodKind.MONTH):
        rollups = mine.filter(scope=Scope.DEPARTMENT)
        period, _month = period_that_publishes(rollups, kind)
        latest = latest or (period and {"period": period})
        if period and published_cells(rollups.filter(period=period)):
            latest = {"period": period}
            break
    if latest is None:
        return None
    rows = sorted(
        mine.filter(period=latest["period"]),
        key=lambda r: (r.scope == Scope.PROGRAM, row_label(r)),
    )
    return {
        "period": latest["period"],
        "labels": [key for key, _p, _r in HOME_FIGURES],
        "rows": [
            (row_label(r), [cell_of(r, key, percent, rule) for key, percent, rule in HOME_FIGURES])
            for r in rows
        ],
    }
