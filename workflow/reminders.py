"""Every reminder rule, once: which deadlines a case still has (its *points*), which reminders
each point calls for (how long before, for whom, in what words), and whether a reminder still
applies when its time comes.

The workflow writes the planned reminders into the outbox (workflow.outbox.sync) in the
transaction of each step; notifications delivers them (notifications.services.delivery) and
reads the rules from here.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflow.models import Appeal, Case, FollowUpStatus
from workflow.models.decision import next_appeal_closes_at

DAY = timedelta(days=1)
AT_THE_DEADLINE = timedelta(0)
# Restorative actions are due on a date: remind their owner that morning.
ACTION_REMINDER_TIME = time(9, 0)

# A deadline a case still has: (point kind, deadline, id of what it is about).
Point = tuple[str, datetime, int]


class ReminderRow(Protocol):
    """What the rules read of a reminder row (workflow.outbox.models.Reminder)."""

    kind: str
    idempotency_key: str


class ReminderKind(models.TextChoices):
    ACKNOWLEDGEMENT_DUE = "acknowledgement_due", _("Acknowledgement due")
    ACKNOWLEDGEMENT_OVERDUE = "acknowledgement_overdue", _("Acknowledgement overdue")
    RESPONSE_DUE = "response_due", _("Response due")
    RESPONSE_OVERDUE = "response_overdue", _("Response overdue")
    HEARING_UPCOMING = "hearing_upcoming", _("Hearing coming up")
    APPEAL_WINDOW_CLOSING = "appeal_window_closing", _("Appeal window closing")
    APPEAL_DECISION_DUE = "appeal_decision_due", _("Appeal decision due")
    BAN_ENDING = "ban_ending", _("Ban ending: restore access and welcome back")
    SUPPLY_GAP = "supply_gap", _("No supplies recorded for a banned person")
    RESTORATIVE_ACTION_DUE = "restorative_action_due", _("Restorative action due")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    COMMUNITY_CHECK_IN = "community_check_in", _("Community-restoration check-in")


class Audience(models.TextChoices):
    OWNER = "owner", _("case owner")
    OWNER_AND_LEADS = "owner_and_leads", _("case owner and program leads")
    ATTENDING_STAFF = "attending_staff", _("staff attending the hearing")
    REVIEWER = "reviewer", _("appeal reviewer")
    PROGRAM_STAFF = "program_staff", _("everyone on the program's staff")
    ACTION_OWNER = "action_owner", _("the action's owner")
    BAN_OWNER = "ban_owner", _("the ban's owner and the case owner")


@dataclass(frozen=True)
class Rule:
    kind: str
    point: str  # the point kind it comes from (reminder_points)
    leads: tuple[timedelta, ...]  # sent this long before the deadline (0 = at the deadline)
    audience: str
    title: str | Promise  # %(case)s and %(when)s, the deadline in the program's time zone
    section: str = "summary"  # where on the case page it leads: the part that needs the work
    overdue: bool = False  # overdue reminders always go by email at once; they cannot be muted


RULES = [
    Rule(
        ReminderKind.ACKNOWLEDGEMENT_DUE,
        "acknowledgement_due",
        (DAY,),
        Audience.OWNER,
        _("Case %(case)s: acknowledge it by %(when)s"),
        section="notices",
    ),
    Rule(
        ReminderKind.ACKNOWLEDGEMENT_OVERDUE,
        "acknowledgement_due",
        (AT_THE_DEADLINE,),
        Audience.OWNER_AND_LEADS,
        _("Case %(case)s: acknowledgement overdue (it was due %(when)s)"),
        section="notices",
        overdue=True,
    ),
    Rule(
        ReminderKind.RESPONSE_DUE,
        "response_due",
        (2 * DAY, DAY),
        Audience.OWNER,
        _("Case %(case)s: respond with an outcome by %(when)s"),
    ),
    Rule(
        ReminderKind.RESPONSE_OVERDUE,
        "response_due",
        (AT_THE_DEADLINE,),
        Audience.OWNER_AND_LEADS,
        _("Case %(case)s: response overdue (it was due %(when)s)"),
        overdue=True,
    ),
    Rule(
        ReminderKind.HEARING_UPCOMING,
        "hearing_upcoming",
        (DAY,),
        Audience.ATTENDING_STAFF,
        _("Case %(case)s: hearing on %(when)s"),
        section="hearing",
    ),
    Rule(
        ReminderKind.APPEAL_WINDOW_CLOSING,
        "appeal_window_closing",
        (2 * DAY,),
        Audience.OWNER,
        _("Case %(case)s: the appeal window closes %(when)s; remind the parties"),
        section="appeal",
    ),
    Rule(
        ReminderKind.APPEAL_DECISION_DUE,
        "appeal_decision_due",
        (DAY, AT_THE_DEADLINE),
        Audience.REVIEWER,
        _("Case %(case)s: appeal decision due %(when)s"),
        section="appeal",
    ),
    Rule(
        ReminderKind.BAN_ENDING,
        "ban_ending",
        (DAY,),
        Audience.PROGRAM_STAFF,
        _("Case %(case)s: a ban ends %(when)s; restore access and welcome the person back"),
        section="bans",
    ),
    # At the moment the log falls behind; logging supplies moves the deadline (a new reminder),
    # so each gap is reminded once.
    Rule(
        ReminderKind.SUPPLY_GAP,
        "supply_gap",
        (AT_THE_DEADLINE,),
        Audience.BAN_OWNER,
        _(
            "Case %(case)s: no supplies recorded for a banned person since before %(when)s; get "
            "supplies to them and log it"
        ),
        section="bans",
    ),
    Rule(
        ReminderKind.RESTORATIVE_ACTION_DUE,
        "restorative_action_due",
        (AT_THE_DEADLINE,),
        Audience.ACTION_OWNER,
        _("Case %(case)s: restorative action due %(when)s"),
        section="decision",
    ),
    Rule(
        ReminderKind.FOLLOW_UP_DUE,
        "follow_up_due",
        (AT_THE_DEADLINE,),
        Audience.OWNER,
        _("Case %(case)s: follow-up due %(when)s"),
        section="follow-ups",
    ),
    Rule(
        ReminderKind.COMMUNITY_CHECK_IN,
        "community_check_in",
        (AT_THE_DEADLINE,),
        Audience.OWNER,
        _("Case %(case)s: community-restoration check-in due %(when)s"),
        section="decision",
    ),
]
RULE_BY_KIND = {rule.kind: rule for rule in RULES}
OVERDUE_KINDS = frozenset(rule.kind for rule in RULES if rule.overdue)
# Kinds a person may choose how to receive (overdue ones always arrive by email at once).
CHOOSABLE_KINDS = [kind for kind in ReminderKind if kind not in OVERDUE_KINDS]


def case_path(kind: str, case_id: int | None) -> str:
    """The page a reminder or notification is about: its case, at the part that needs doing;
    the notifications page when it names no case."""
    if case_id is None:
        return "/notifications/"
    return f"/cases/{case_id}/#{RULE_BY_KIND[kind].section}"


# ---- planning: points to reminders ----


@dataclass(frozen=True)
class Planned:
    """One reminder a case should have: identity is (kind, ref_id, target_at, due_at)."""

    kind: str
    ref_id: int
    target_at: datetime  # the deadline or event time
    due_at: datetime  # when to send

    def key(self, program_id: int) -> str:
        # Ids and times only: nothing about a participant.
        return (
            f"p{program_id}:{self.kind}:{self.ref_id}:"
            f"{int(self.target_at.timestamp())}:{int(self.due_at.timestamp())}"
        )


def plan(points: Iterable[Point]) -> list[Planned]:
    """Every reminder the points call for, whether or not its time has passed."""
    planned: list[Planned] = []
    for point_kind, target_at, ref_id in points:
        for rule in RULES:
            if rule.point == point_kind:
                planned.extend(
                    Planned(rule.kind, ref_id, target_at, target_at - lead) for lead in rule.leads
                )
    return planned


def keyed(points: Iterable[Point], program_id: int) -> dict[str, Planned]:
    """{idempotency key: Planned} for everything these reminder points call for."""
    return {item.key(program_id): item for item in plan(points)}


def worth_creating(item: Planned, now: datetime) -> bool:
    """A new reminder is worth creating while its deadline is ahead (a "1 day before" reminder
    for a deadline 3 hours away goes out at once). One sent at the deadline itself (overdue,
    action due today) goes out even if that moment has passed: the thing is still not done."""
    return item.target_at > now or item.due_at == item.target_at


def still_due(
    rows: Sequence[ReminderRow], cases: dict[int, Case], program_id: int
) -> list[ReminderRow]:
    """The reminder rows (kind, idempotency_key) that still apply when their time comes: case
    open, step not done, deadline not moved. `cases`: {case id: case} of the rows. Only the
    relations the rows' kinds depend on are read."""
    kinds = {RULE_BY_KIND[row.kind].point for row in rows}
    prefetch_reminder_relations(cases.values(), kinds=kinds)
    wanted = set()
    for case in cases.values():
        wanted |= set(keyed(reminder_points(case, kinds=kinds), program_id))
    return [row for row in rows if row.idempotency_key in wanted]


# ---- points: the deadlines a case still has ----

# What each kind of reminder point reads besides the case row. reminder_cases fetches, for
# many cases at once, only what the kinds asked for need: the reminder worker re-checks a batch
# that is often of one or two kinds, and each relation costs a query per batch.
POINT_RELATIONS = {
    "acknowledgement_due": (),
    "response_due": (),
    "hearing_upcoming": ("hearings",),
    "appeal_window_closing": ("policy_version", "decision", "appeals"),
    "appeal_decision_due": ("policy_version", "appeals"),
    "ban_ending": ("bans",),
    # Supplies logged under any of the person's bans (another case's included) count.
    "supply_gap": ("policy_version", "bans__participant__bans__supply_contacts"),
    "restorative_action_due": ("plans__actions",),
    "follow_up_due": ("follow_ups",),
    "community_check_in": ("follow_ups",),
}
SINGLE_RELATIONS = {"policy_version", "decision"}  # joined (select_related), not prefetched
# The case's own fields reminder_points reads. A case row is wide (the narrative, two dozen
# dates and flags) and the reminder worker reads ten at a time: it reads only these.
POINT_CASE_FIELDS = (
    "state",
    "acknowledgement_due_at",
    "acknowledged_at",
    "response_due_at",
    "responded_at",
    "policy_version",
)
BAN_POINTS = frozenset({"ban_ending", "supply_gap"})


def _relations(kinds: Iterable[str] | None) -> set[str]:
    kinds = POINT_RELATIONS if kinds is None else kinds
    return {relation for kind in kinds for relation in POINT_RELATIONS[kind]}


def reminder_cases(
    case_ids: Iterable[int], *, kinds: Collection[str] | None = None
) -> dict[int, Case]:
    """{case id: case} with everything reminder_points reads for these point kinds (all kinds
    if None), in a fixed number of queries for any number of cases."""
    relations = _relations(kinds)
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related(*sorted(relations & SINGLE_RELATIONS))
        .prefetch_related(*sorted(relations - SINGLE_RELATIONS))
    )
    return {case.pk: case for case in cases}


def prefetch_reminder_relations(
    cases: Iterable[Case], *, kinds: Collection[str] | None = None
) -> None:
    """For cases already read (the reminder worker reads them as it locks them): fetch what
    reminder_points reads for these point kinds, one query per relation for all the cases."""
    prefetch_related_objects(list(cases), *sorted(_relations(kinds)))


def reminder_points_many(case_ids: Iterable[int]) -> dict[int, list[Point]]:
    """{case id: reminder_points(case)} for many cases at once."""
    return {pk: reminder_points(case) for pk, case in reminder_cases(case_ids).items()}


def reminder_points(case: Case, *, kinds: Collection[str] | None = None) -> list[Point]:
    """[(kind, due_at, reference)] still ahead for an open case: what the outbox should hold.

    `kinds` limits the answer to those point kinds (all if None); only the related rows they
    need are read (POINT_RELATIONS), with .all() and filtered here, so a prefetch serves them."""
    kinds = set(POINT_RELATIONS) if kinds is None else set(kinds)
    if not case.is_open:
        # A closed case's ban runs to its end: it is still to be lifted and supplied. (An
        # ended case's bans end with it, so they give no points.)
        kinds &= BAN_POINTS
    points: list[Point] = []
    if "acknowledgement_due" in kinds and case.acknowledged_at is None:
        points.append(("acknowledgement_due", case.acknowledgement_due_at, case.pk))
    if "response_due" in kinds and case.responded_at is None:
        points.append(("response_due", case.response_due_at, case.pk))
    if "hearing_upcoming" in kinds:
        for hearing in case.hearings.all():
            if hearing.is_pending:  # not held, not cancelled
                points.append(("hearing_upcoming", hearing.scheduled_for, hearing.pk))
    if kinds & {"appeal_window_closing", "appeal_decision_due"}:
        points += _appeal_points(case, kinds)
    if kinds & BAN_POINTS:
        points += _ban_points(case, kinds)
    if "restorative_action_due" in kinds:
        current = [plan for plan in case.plans.all() if plan.superseded_at is None]
        for action in current[0].actions.all() if current else ():
            if action.status in ("planned", "in_progress"):
                due = timezone.make_aware(datetime.combine(action.due_date, ACTION_REMINDER_TIME))
                points.append(("restorative_action_due", due, action.pk))
    if kinds & {"follow_up_due", "community_check_in"}:
        for follow_up in case.follow_ups.all():
            if follow_up.status == FollowUpStatus.PENDING:
                kind = (
                    "community_check_in"
                    if follow_up.kind == "community_check_in"
                    else "follow_up_due"
                )
                if kind in kinds:
                    points.append((kind, follow_up.due_at, follow_up.pk))
    return points


def _ban_points(case: Case, kinds: set[str]) -> list[Point]:
    now = timezone.now()
    points: list[Point] = []
    for ban in case.bans.all():
        if not ban.is_running(now):
            continue
        if "ban_ending" in kinds and ban.replaced_at is None:
            # A ban replaced later is not lifted then: the ban replacing it takes over.
            points.append(("ban_ending", ban.ends_at, ban.pk))
        if "supply_gap" in kinds and ban.paused_since is None:
            days = [
                contact.reached_on
                for other in ban.participant.bans.all()
                for contact in other.supply_contacts.all()
            ]
            late = ban.supply_gap_at(case.policy_version.supply_contact_every_days, days)
            if late < ban.effective_end:
                points.append(("supply_gap", late, ban.pk))
    return points


def _appeal_points(case: Case, kinds: set[str]) -> list[Point]:
    points: list[Point] = []
    appeals: list[Appeal] = sorted(case.appeals.all(), key=lambda a: a.level)
    policy = case.policy_version
    if "appeal_window_closing" in kinds:
        decision = getattr(case, "decision", None)
        # The next appeal can still be filed while every earlier one is decided and levels
        # are left; the first refers to the case, a further level to the previous appeal.
        if (
            decision is not None
            and all(a.decided_at is not None for a in appeals)
            and len(appeals) < policy.appeal_levels
        ):
            closes = next_appeal_closes_at(decision, appeals, policy)
            points.append(("appeal_window_closing", closes, appeals[-1].pk if appeals else case.pk))
    if "appeal_decision_due" in kinds:
        for appeal in appeals:
            if appeal.decided_at is None:
                # An appeal is answered within the policy's response window from filing.
                due = appeal.filed_at + timedelta(days=policy.response_window_days)
                points.append(("appeal_decision_due", due, appeal.pk))
    return points
