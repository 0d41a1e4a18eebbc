"""TA summaries: how much of the demo data (`make run`'s made-up programs, the same draws)
publishes, per view and per figure, with the class rule alone (before) and with complementary
suppression checked by exact linear algebra (now), side by side, and how long each takes.
In memory: nothing is written."""

import time
from collections import defaultdict

VIEWS = [
    ("program", "month"),
    ("program", "quarter"),
    ("program", "year"),
    ("department", None),
    ("provider", None),
    ("program_type", None),
    ("all", None),
]
FIGURES = [
    ("cases", "Cases"),
    ("cases.response.within_window_share", "Responded in window"),
    ("cases.acknowledgement.within_window_share", "Acknowledged in window"),
    ("cases.harmed_heard.share", "Harmed person heard"),
    ("cases.factor_supply_shortage.yes", "Supply shortage"),
    ("bans", "Bans"),
    ("ban_days.supplies.within_interval_share", "Ban days w/ supplies"),
    ("follow_ups.status.completion_share", "Follow-ups done"),
]


def _atoms():
    from django.utils import timezone

    from summaries.models import ProgramMonth
    from workflow.summary_demo import made_up_months, months_with_figures

    now = timezone.now()
    ids, out = {}, []
    for slug, dept, ptype, month, data in made_up_months(months_with_figures(now.date())):
        pid = ids.setdefault(slug, len(ids) + 1)
        out.append(
            ProgramMonth(
                program_id=pid,
                month=month,
                computed_at=now,
                settled_at=now,
                department_id=dept + 1,
                program_type=str(ptype),
                provider_ids=[1],
                **data,
            )
        )
    return out


def _release(atoms, audited):
    from django.conf import settings
    from django.utils import timezone

    from summaries.publish import release_for_year

    started, rows = time.process_time(), []
    for year in sorted({a.month.year for a in atoms}):
        rows += release_for_year(
            [a for a in atoms if a.month.year == year],
            {},
            limit=settings.SUMMARIES_SUPPRESSION_THRESHOLD,
            min_programs=settings.SUMMARIES_MIN_PROGRAMS,
            now=timezone.now(),
            audited=audited,
        )
    return rows, time.process_time() - started


def _view(row):
    return (row.scope, row.period_kind if row.scope == "program" else None)


def _coverage(rows):
    """{view: {figure: [published, offered]}}; "all" counts every figure of the catalogue. A
    figure with nothing to count (a share of no cases) is neither."""
    from summaries.metrics import all_keys

    keys = all_keys()
    out = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        view = _view(row)
        if view[0] == "provider_type":
            continue  # the same sets as one program type while one provider serves all
        for key in keys:
            value = row.metrics.get(key)
            if value is None and key not in row.reasons:
                continue
            for figure in (key, "all"):
                out[view][figure][0] += value is not None
                out[view][figure][1] += 1
    return out


def run():
    import os

    atoms = _atoms()
    before, before_s = _release(atoms, audited=False)
    after, after_s = _release(atoms, audited=True)
    cover = {"before": _coverage(before), "now": _coverage(after)}
    print(
        f"Demo data: {len({a.program_id for a in atoms})} programs, {len(atoms)} program-months; "
        f"published / offered figures (class rule alone -> audited). "
        f"Load: {os.getloadavg()[0]:.1f}"
    )
    names = [name for _k, name in FIGURES] + ["Every figure"]
    keys = [k for k, _n in FIGURES] + ["all"]
    print(f"  {'view':<16}" + "".join(f"{n[:20]:>22}" for n in names))
    for scope, kind in VIEWS:
        view = (scope, kind)
        label = f"{scope}-{kind}" if kind else scope
        cells = []
        for key in keys:
            b, n = cover["before"][view][key], cover["now"][view][key]
            cells.append(f"{b[0]}->{n[0]}/{n[1]}")
        print(f"  {label:<16}" + "".join(f"{c:>22}" for c in cells))
    print(
        f"  CPU time to decide every figure (this process; the machine may be shared): "
        f"class rule {before_s:.1f} s, audited {after_s:.1f} s"
    )
    return {"before_s": before_s, "after_s": after_s}
