"""Summaries on each role's home page: TA staff land on the summaries themselves; a
health-department admin sees their own programs' latest published figures (the same
suppressed rows as everywhere) on their home page."""

from django.db.models import Q

from summaries.access import viewer_for
from summaries.models import PeriodKind, Scope, Summary
from summaries.page import INDICATORS, cell_of, row_label

HOME_FIGURES = [INDICATORS[0], INDICATORS[2], INDICATORS[5], INDICATORS[8]]


def lands_on_summaries(user, administers_departments):
    """TA staff without a department of their own start on the summaries."""
    return not administers_departments and bool(viewer_for(user).providers)


def department_figures(user):
    """{"period", "labels", "rows"} of the latest published quarter (else month) of the
    departments the user administers, or None."""
    departments = viewer_for(user).hd_departments
    if not departments:
        return None
    mine = Summary.objects.filter(
        Q(scope=Scope.PROGRAM) | Q(scope=Scope.DEPARTMENT), department__in=departments
    ).select_related("program", "department")
    for kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
        latest = mine.filter(period_kind=kind).order_by("-month").values("period").first()
        if latest:
            break
    else:
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
