"""Counting one program's cases for the summaries, inside its own schema, and handing the
counts to the summaries app (`ProgramMonth`, public schema): the workflow writes the aggregates,
the summaries app only reads them. Only non-text columns are read (kinds, states, dates, flags,
choices): no narrative, note, name, code or alias is ever loaded.

Everything is grouped by the month the case was reported in: "of the cases reported in March,
how many were acknowledged on time, had a ban, were appealed ..."."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from summaries.metrics import empty_counts
from summaries.models import ProgramMonth, SummaryState
from workflow.models import (
    COMMUNITY_ACTION_KINDS,
    ActionKind,
    Appeal,
    Ban,
    Case,
    Category,
    ContributingFactor,
    Decision,
    DueStatus,
    FollowUp,
    Hearing,
    Investigation,
    RestorativeAction,
    SupplyContact,
    due_status,
)


def month_of(moment):
    return timezone.localtime(moment).date().replace(day=1)


def _days(start, end):
    return str(round((end - start).total_seconds() / 86400, 1))


def _due(done_at, due_at, now):
    """The staff pages' rule (workflow.models.due_status), in the summaries' four words."""
    return {
        DueStatus.MET: "on_time",
        DueStatus.MET_LATE: "late",
        DueStatus.OVERDUE: "overdue",
    }.get(due_status(due_at, done_at, now), "pending")


def _effective_end(ban):
    ends = [ban["ends_at"]]
    for cut in (ban["replaced_at"], ban["ended_early_at"]):
        if cut is not None:
            ends.append(max(cut, ban["starts_at"]))
    return min(ends)


def _length_band(start, end):
    days = (end - start).total_seconds() / 86400
    for limit, band in ((1, "1_day"), (3, "2_to_3_days"), (7, "4_to_7_days")):
        if days <= limit:
            return band
    return "8_to_14_days" if days <= 14 else "15_days_or_more"


def _ban_days_supplied(start, end, contacts, every, now):
    """For each local day the ban kept the person away (in effect when the day closed, or now
    for today: a chain's handover day counts once), whether supplies were recorded within
    `every` days, counting from the ban's first day: the staff pages' rule."""
    first = timezone.localdate(start)
    contacts = sorted(contacts)
    day = first
    while day <= timezone.localdate(min(end, now)):
        close = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0)))
        moment = min(close - timedelta(microseconds=1), now)
        if start <= moment < end:
            since = max([first, *(c for c in contacts if c <= day)])
            yield (day - since).days <= every
        day += timedelta(days=1)


def _bump(counts, root, family, component):
    parts = counts[root][family]
    parts[component] = parts.get(component, 0) + 1


def bump_due(counts, family, due):
    """On time or not first (two parts, both usually large enough to publish), then how the
    others stand (late, overdue, still pending) in a family of their own."""
    if due == "on_time":
        _bump(counts, "cases", family, "on_time")
    else:
        _bump(counts, "cases", family, "not_on_time")
        _bump(counts, "cases", f"{family}_detail", due)


def _yes_no(counts, root, family, flag):
    _bump(counts, root, family, "yes" if flag else "no")


def compute_program_months(now=None):
    """{month: {"counts": ..., "histograms": ...}} for the program whose schema is active."""
    now = now or timezone.now()
    cases = list(
        Case.objects.values(
            "id",
            "kind",
            "severity",
            "categories",
            "police_called",
            "ems_called",
            "reported_at",
            "acknowledgement_due_at",
            "response_due_at",
            "acknowledged_at",
            "responded_at",
        )
    )
    month = {c["id"]: month_of(c["reported_at"]) for c in cases}
    decisions = {
        d["case_id"]: d
        for d in Decision.objects.values("case_id", "harmed_person_heard", "contributing_factors")
    }
    factors = defaultdict(set)
    for row in Investigation.objects.values("case_id", "contributing_factors"):
        factors[row["case_id"]].update(row["contributing_factors"])
    for case_id, d in decisions.items():
        factors[case_id].update(d["contributing_factors"])
    held = set(Hearing.objects.filter(held_at__isnull=False).values_list("case_id", flat=True))
    latest_appeal = {}
    for a in Appeal.objects.order_by("level").values("case_id", "outcome"):
        latest_appeal[a["case_id"]] = a["outcome"] or "pending"

    result = defaultdict(lambda: {"counts": empty_counts(), "histograms": defaultdict(dict)})

    def histogram(m, name, value):
        h = result[m]["histograms"][name]
        h[value] = h.get(value, 0) + 1

    for c in cases:
        m, counts = month[c["id"]], result[month[c["id"]]]["counts"]
        _bump(counts, "cases", "total", "n")
        _bump(counts, "cases", "kind", c["kind"])
        _bump(counts, "cases", "severity", c["severity"])
        acknowledged = _due(c["acknowledged_at"], c["acknowledgement_due_at"], now)
        bump_due(counts, "acknowledgement", acknowledged)
        bump_due(counts, "response", _due(c["responded_at"], c["response_due_at"], now))
        if c["acknowledged_at"]:
            histogram(m, "ack_days", _days(c["reported_at"], c["acknowledged_at"]))
        if c["responded_at"]:
            histogram(m, "response_days", _days(c["reported_at"], c["responded_at"]))
        _yes_no(counts, "cases", "police", c["police_called"])
        _yes_no(counts, "cases", "ems", c["ems_called"])
        for category in Category.values:
            _yes_no(counts, "cases", f"category_{category}", category in c["categories"])
        for factor in ContributingFactor.values:
            _yes_no(counts, "cases", f"factor_{factor}", factor in factors[c["id"]])
        _yes_no(counts, "cases", "hearing_held", c["id"] in held)
        decision = decisions.get(c["id"])
        if decision is None:
            _bump(counts, "cases", "harmed_heard", "no_decision")
            _bump(counts, "cases", "appeal", "no_decision")
        else:
            heard = "heard" if decision["harmed_person_heard"] else "not_heard"
            _bump(counts, "cases", "harmed_heard", heard)
            appealed = c["id"] in latest_appeal
            _bump(counts, "cases", "appeal", "appealed" if appealed else "not_appealed")
            if appealed:
                _bump(counts, "cases", "appeal_outcome", latest_appeal[c["id"]])

    appeal_bans = set(
        RestorativeAction.objects.filter(plan__origin="appeal").values_list("ban_id", flat=True)
    )
    appeal_times = set(
        Appeal.objects.filter(decided_at__isnull=False).values_list("case_id", "decided_at")
    )
    # By person: supplies logged under another case's ban reached them all the same.
    supplied = defaultdict(list)
    for person, day in SupplyContact.objects.values_list("ban__participant_id", "reached_on"):
        supplied[person].append(day)
    for b in Ban.objects.values(
        "id",
        "case_id",
        "participant_id",
        "starts_at",
        "ends_at",
        "ended_early_at",
        "replaced_at",
        "replaced_by_ban_id",
        "supply_access_plan",
        "case__policy_version__supply_contact_every_days",
    ):
        m = month[b["case_id"]]
        counts = result[m]["counts"]
        _bump(counts, "bans", "total", "n")
        _yes_no(counts, "bans", "ended_early", b["ended_early_at"] is not None)
        plan = "with_plan" if b["supply_access_plan"] else "without_plan"
        _bump(counts, "bans", "supply_plan", plan)
        histogram(m, "ban_days", _days(b["starts_at"], b["ends_at"]))
        end = _effective_end(b)
        _bump(counts, "bans", "length", _length_band(b["starts_at"], end))
        if b["replaced_by_ban_id"] in appeal_bans:
            change = "replaced_on_appeal"
        elif (b["case_id"], b["ended_early_at"]) in appeal_times:
            change = "ended_on_appeal"  # decide_appeal ends bans at its own decision time
        else:
            change = "not_changed_on_appeal"
        _bump(counts, "bans", "appeal_change", change)
        every = b["case__policy_version__supply_contact_every_days"]
        for within in _ban_days_supplied(
            b["starts_at"], end, supplied[b["participant_id"]], every, now
        ):
            _bump(counts, "ban_days", "total", "n")
            _bump(counts, "ban_days", "supplies", "within_interval" if within else "gap")

    status_group = {"planned": "open", "in_progress": "open"}
    current_actions = RestorativeAction.objects.filter(plan__superseded_at__isnull=True)
    for a in current_actions.values("plan__case_id", "kind", "status"):
        counts = result[month[a["plan__case_id"]]]["counts"]
        _bump(counts, "actions", "total", "n")
        _bump(counts, "actions", "kind", a["kind"] if a["kind"] in ActionKind.values else "other")
        _bump(counts, "actions", "status", status_group.get(a["status"], a["status"]))
        community = a["kind"] in COMMUNITY_ACTION_KINDS
        _yes_no(counts, "actions", "community", community)

    for f in FollowUp.objects.values("case_id", "status"):
        counts = result[month[f["case_id"]]]["counts"]
        _bump(counts, "follow_ups", "total", "n")
        _bump(counts, "follow_ups", "status", f["status"])

    return {
        m: {"counts": v["counts"], "histograms": dict(v["histograms"])} for m, v in result.items()
    }


def recompute_current_program(*, now=None):
    """Recount the active program's cases and store the monthly counts (public schema). Months
    already settled are frozen: their counts are never rewritten (summaries.publish)."""
    program = connection.tenant
    started = timezone.now()
    months = compute_program_months(now=now)
    with transaction.atomic():
        mine = ProgramMonth.objects.filter(program_id=program.pk)
        settled = set(mine.filter(settled_at__isnull=False).values_list("month", flat=True))
        mine.filter(settled_at__isnull=True).exclude(month__in=list(months)).delete()
        ProgramMonth.objects.bulk_create(
            [
                ProgramMonth(
                    program_id=program.pk,
                    month=month,
                    counts=data["counts"],
                    histograms=data["histograms"],
                    computed_at=started,
                )
                for month, data in months.items()
                if month not in settled
            ],
            update_conflicts=True,
            unique_fields=["program", "month"],
            update_fields=["counts", "histograms", "computed_at"],
        )
        state, _ = SummaryState.objects.select_for_update().get_or_create(program_id=program.pk)
        state.computed_at, state.queued_at = started, None
        # A case closed while counting keeps the program dirty for the next tick.
        if state.dirty_since is not None and state.dirty_since <= started:
            state.dirty_since = None
        state.save()
    return months
