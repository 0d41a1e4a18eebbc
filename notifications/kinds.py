"""What reminds whom, and when: one table for the whole app.

`workflow.selectors.reminder_points(case)` says which deadlines a case still has (a *point*:
kind, deadline, reference). Each point becomes one or more reminders here, each sent some time
before the deadline (its lead) or at it, to the people the kind names.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

DAY = timedelta(days=1)


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
    point: str  # the reminder_points kind it comes from
    leads: tuple  # sent this long before the deadline (0 = at the deadline)
    audience: str
    overdue: bool = False  # overdue reminders always go by email at once; they cannot be muted


RULES = [
    Rule(ReminderKind.ACKNOWLEDGEMENT_DUE, "acknowledgement_due", (DAY,), Audience.OWNER),
    Rule(
        ReminderKind.ACKNOWLEDGEMENT_OVERDUE,
        "acknowledgement_due",
        (timedelta(0),),
        Audience.OWNER_AND_LEADS,
        overdue=True,
    ),
    Rule(ReminderKind.RESPONSE_DUE, "response_due", (2 * DAY, DAY), Audience.OWNER),
    Rule(
        ReminderKind.RESPONSE_OVERDUE,
        "response_due",
        (timedelta(0),),
        Audience.OWNER_AND_LEADS,
        overdue=True,
    ),
    Rule(ReminderKind.HEARING_UPCOMING, "hearing_upcoming", (DAY,), Audience.ATTENDING_STAFF),
    Rule(ReminderKind.APPEAL_WINDOW_CLOSING, "appeal_window_closing", (2 * DAY,), Audience.OWNER),
    Rule(
        ReminderKind.APPEAL_DECISION_DUE,
        "appeal_decision_due",
        (DAY, timedelta(0)),
        Audience.REVIEWER,
    ),
    Rule(ReminderKind.BAN_ENDING, "ban_ending", (DAY,), Audience.PROGRAM_STAFF),
    # At the moment the log falls behind; logging supplies moves the deadline (a new reminder),
    # so each gap is reminded once.
    Rule(ReminderKind.SUPPLY_GAP, "supply_gap", (timedelta(0),), Audience.BAN_OWNER),
    Rule(
        ReminderKind.RESTORATIVE_ACTION_DUE,
        "restorative_action_due",
        (timedelta(0),),
        Audience.ACTION_OWNER,
    ),
    Rule(ReminderKind.FOLLOW_UP_DUE, "follow_up_due", (timedelta(0),), Audience.OWNER),
    Rule(ReminderKind.COMMUNITY_CHECK_IN, "community_check_in", (timedelta(0),), Audience.OWNER),
]
RULE_BY_KIND = {rule.kind: rule for rule in RULES}
OVERDUE_KINDS = frozenset(rule.kind for rule in RULES if rule.overdue)
# Kinds a person may choose how to receive (overdue ones always arrive by email at once).
CHOOSABLE_KINDS = [kind for kind in ReminderKind if kind not in OVERDUE_KINDS]


@dataclass(frozen=True)
class Planned:
    """One reminder a case should have: identity is (kind, ref_id, target_at, due_at)."""

    kind: str
    ref_id: int
    target_at: object  # the deadline or event time
    due_at: object  # when to send

    def key(self, program_id):
        # Ids and times only: nothing about a participant.
        return (
            f"p{program_id}:{self.kind}:{self.ref_id}:"
            f"{int(self.target_at.timestamp())}:{int(self.due_at.timestamp())}"
        )


def plan(points):
    """Every reminder the points call for, whether or not its time has passed."""
    planned = []
    for point_kind, target_at, ref_id in points:
        for rule in RULES:
            if rule.point == point_kind:
                planned.extend(
                    Planned(rule.kind, ref_id, target_at, target_at - lead) for lead in rule.leads
                )
    return planned


def worth_creating(item, now):
    """A new reminder is worth creating while its deadline is ahead (a "1 day before" reminder
    for a deadline 3 hours away goes out at once). One sent at the deadline itself (overdue,
    action due today) goes out even if that moment has passed: the thing is still not done."""
    return item.target_at > now or item.due_at == item.target_at


# Where on the case page each kind of reminder leads (the section that needs the work).
CASE_SECTIONS = {
    ReminderKind.ACKNOWLEDGEMENT_DUE: "notices",
    ReminderKind.ACKNOWLEDGEMENT_OVERDUE: "notices",
    ReminderKind.HEARING_UPCOMING: "hearing",
    ReminderKind.APPEAL_WINDOW_CLOSING: "appeal",
    ReminderKind.APPEAL_DECISION_DUE: "appeal",
    ReminderKind.BAN_ENDING: "bans",
    ReminderKind.SUPPLY_GAP: "bans",
    ReminderKind.RESTORATIVE_ACTION_DUE: "decision",
    ReminderKind.FOLLOW_UP_DUE: "follow-ups",
    ReminderKind.COMMUNITY_CHECK_IN: "decision",
}


def case_path(kind, case_id):
    """The page a reminder or notification is about: its case, at the part that needs doing;
    the notifications page when it names no case."""
    if case_id is None:
        return "/notifications/"
    section = CASE_SECTIONS.get(kind, "summary")
    return f"/cases/{case_id}/#{section}"
