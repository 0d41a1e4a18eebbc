"""Consistent made-up monthly counts for one program, as if counted from that many made-up
cases (the parts of every family add up to their total, as real counts do): for the demo
programs of `make run`, the benchmark and tests."""

from summaries.metrics import empty_counts
from workflow.models import COMMUNITY_ACTION_KINDS, ActionKind, Category, ContributingFactor
from workflow.summary_catalogue import DUE
from workflow.summary_counts import bump_due

ACTION_KINDS = tuple(ActionKind.values)
CATEGORIES = tuple(Category.values)
FACTORS = tuple(ContributingFactor.values)

LENGTH_OF = {1: "1_day", 3: "2_to_3_days", 7: "4_to_7_days", 14: "8_to_14_days"}


def _bump(counts, root, family, component):
    parts = counts[root][family]
    parts[component] = parts.get(component, 0) + 1


def synthetic_month(rng, cases, *, struggle=0.0):
    """{"counts": ..., "histograms": ...} for `cases` made-up cases drawn with `rng`. With
    `struggle` (0 to 1) more answers are late and fewer harmed people are heard (at 0 the draws
    are exactly those of before)."""
    counts, histograms = empty_counts(), {"ack_days": {}, "response_days": {}, "ban_days": {}}

    def note(name, days):
        key = str(round(days, 1))
        histograms[name][key] = histograms[name].get(key, 0) + 1

    yes = lambda p: "yes" if rng.random() < p else "no"  # noqa: E731
    for _ in range(cases):
        _bump(counts, "cases", "total", "n")
        _bump(counts, "cases", "kind", rng.choice(("incident", "complaint")))
        _bump(
            counts,
            "cases",
            "severity",
            rng.choice(("low", "moderate", "moderate", "high", "severe")),
        )
        for family, name in (("acknowledgement", "ack_days"), ("response", "response_days")):
            due = rng.choices(DUE, weights=(30 - 25 * struggle, 1 + 8 * struggle, 0.5, 1))[0]
            bump_due(counts, family, due)
            if due in ("on_time", "late"):
                note(name, rng.uniform(0.1, 3 if family == "acknowledgement" else 12))
        _bump(counts, "cases", "police", yes(0.04))
        _bump(counts, "cases", "ems", yes(0.15))
        for category in CATEGORIES:
            _bump(counts, "cases", f"category_{category}", yes(0.2))
        for factor in FACTORS:
            _bump(
                counts,
                "cases",
                f"factor_{factor}",
                yes(0.08),
            )
        _bump(counts, "cases", "hearing_held", yes(0.5))
        decided = rng.random() < 0.7
        _bump(
            counts,
            "cases",
            "harmed_heard",
            (
                "not_heard"
                if struggle and rng.random() < struggle / 2
                else rng.choice(("heard",) * 9 + ("not_heard",))
            )
            if decided
            else "no_decision",
        )
        appealed = decided and rng.random() < 0.2
        _bump(
            counts,
            "cases",
            "appeal",
            ("appealed" if appealed else "not_appealed") if decided else "no_decision",
        )
        if appealed:
            _bump(
                counts,
                "cases",
                "appeal_outcome",
                rng.choice(("upheld", "modified", "overturned", "pending")),
            )
        if decided and rng.random() < 0.3:
            _bump(counts, "bans", "total", "n")
            _bump(counts, "bans", "ended_early", yes(0.3))
            _bump(counts, "bans", "supply_plan", "with_plan")
            days = rng.choice((1, 3, 3, 7, 14))
            note("ban_days", days)
            # Derived from the draws above (no new draws: the made-up months stay as they were).
            _bump(counts, "bans", "length", LENGTH_OF[days])
            _bump(counts, "bans", "appeal_change", "not_changed_on_appeal")
            for day in range(days):
                _bump(counts, "ban_days", "total", "n")
                _bump(counts, "ban_days", "supplies", "within_interval" if day < 3 else "gap")
        for _action in range(rng.choice((0, 1, 2, 3)) if decided else 0):
            kind = rng.choice(ACTION_KINDS)
            _bump(counts, "actions", "total", "n")
            _bump(counts, "actions", "kind", kind)
            _bump(
                counts,
                "actions",
                "status",
                rng.choice(("done", "done", "open", "not_done", "cancelled")),
            )
            _bump(counts, "actions", "community", "yes" if kind in COMMUNITY_ACTION_KINDS else "no")
        for _follow_up in range(3 if decided else 0):
            _bump(counts, "follow_ups", "total", "n")
            _bump(counts, "follow_ups", "status", rng.choice(("done",) * 8 + ("waived", "pending")))
    return {"counts": counts, "histograms": histograms}
