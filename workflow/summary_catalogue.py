"""The summaries' catalogue, declared by the workflow because the workflow owns the choices it
counts (kinds, categories, factors, action kinds ...): a new choice value appears here by itself
and is stored under its own key, so it can never shift another figure.

Every family of a root splits the root's count (or one component of a parent family) into parts
that add up to it, so a withheld part can never be recovered by subtracting the others."""

from django.utils.translation import gettext_lazy as _

from summaries.catalogue import Catalogue
from summaries.suppression import TOTAL, Family, root_family
from tenants.models import Severity
from workflow.models import (
    ActionKind,
    AppealOutcome,
    CaseKind,
    Category,
    ContributingFactor,
)

DUE = ("on_time", "late", "overdue", "pending")
# Answers by the policy's window: on time or not; those not on time split in a family of their
# own, so a handful of late ones never withholds the on-time figure.
WINDOW = ("on_time", "not_on_time")
NOT_ON_TIME = ("late", "overdue", "pending")
# How long bans actually kept people away (after replacements and early ends), in bands.
BAN_LENGTHS = ("1_day", "2_to_3_days", "4_to_7_days", "8_to_14_days", "15_days_or_more")
BAN_APPEAL_CHANGES = ("replaced_on_appeal", "ended_on_appeal", "not_changed_on_appeal")
YES_NO = ("yes", "no")
ACTION_STATUS_GROUPS = ("done", "open", "not_done", "cancelled")
FOLLOW_UP_STATUSES = ("done", "waived", "pending")


def roots():
    return {
        "cases": [
            root_family(),
            Family("kind", tuple(CaseKind.values)),
            Family("severity", tuple(Severity.values)),
            Family("acknowledgement", WINDOW),
            Family("acknowledgement_detail", NOT_ON_TIME, ("acknowledgement", "not_on_time")),
            Family("response", WINDOW),
            Family("response_detail", NOT_ON_TIME, ("response", "not_on_time")),
            Family("police", YES_NO),
            Family("ems", YES_NO),
            *[Family(f"category_{c}", YES_NO) for c in Category.values],
            *[Family(f"factor_{f}", YES_NO) for f in ContributingFactor.values],
            Family("hearing_held", YES_NO),
            Family("harmed_heard", ("heard", "not_heard", "no_decision")),
            Family("appeal", ("appealed", "not_appealed", "no_decision")),
            Family(
                "appeal_outcome",
                (*AppealOutcome.values, "pending"),
                ("appeal", "appealed"),
            ),
        ],
        "bans": [
            root_family(),
            Family("ended_early", YES_NO),
            Family("supply_plan", ("with_plan", "without_plan")),
            Family("length", BAN_LENGTHS),
            Family("appeal_change", BAN_APPEAL_CHANGES),
        ],
        # Each day someone was kept away: were supplies recorded within the policy's interval?
        "ban_days": [root_family(), Family("supplies", ("within_interval", "gap"))],
        "actions": [
            root_family(),
            Family("kind", tuple(ActionKind.values)),
            Family("status", ACTION_STATUS_GROUPS),
            Family("community", YES_NO),
        ],
        "follow_ups": [root_family(), Family("status", FOLLOW_UP_STATUSES)],
    }


SHARES = [
    ("cases.acknowledgement.within_window_share", "cases", "acknowledgement", ("on_time",), None),
    ("cases.response.within_window_share", "cases", "response", ("on_time",), None),
    ("cases.harmed_heard.share", "cases", "harmed_heard", ("heard",), ("heard", "not_heard")),
    ("cases.appeal.share", "cases", "appeal", ("appealed",), ("appealed", "not_appealed")),
    ("bans.ended_early.share", "bans", "ended_early", ("yes",), None),
    ("bans.supply_plan.share", "bans", "supply_plan", ("with_plan",), None),
    (
        "bans.appeal_change.share",
        "bans",
        "appeal_change",
        ("replaced_on_appeal", "ended_on_appeal"),
        None,
    ),
    ("ban_days.supplies.within_interval_share", "ban_days", "supplies", ("within_interval",), None),
    ("actions.status.completed_share", "actions", "status", ("done",), None),
    ("actions.community.share", "actions", "community", ("yes",), None),
    ("follow_ups.status.completion_share", "follow_ups", "status", ("done",), None),
]

MEDIANS = [
    ("cases.acknowledgement.median_days", "ack_days", "cases", "acknowledgement"),
    ("cases.response.median_days", "response_days", "cases", "response"),
    ("bans.median_days", "ban_days", "bans", TOTAL),
]

ROOT_TEXT = {
    "cases": _("Cases reported in the period"),
    "bans": _("Temporary bans given in cases reported in the period"),
    "ban_days": _("Days people were kept away by those bans"),
    "actions": _("Restorative actions in the current plans of those cases"),
    "follow_ups": _("Follow-ups of those cases"),
}
FAMILY_TEXT = {
    "kind": _("by kind"),
    "severity": _("by severity"),
    "acknowledgement": _("by whether they were acknowledged within the policy's window"),
    "acknowledgement_detail": _("not acknowledged on time: late, overdue or not yet due"),
    "response": _("by whether they were responded to within the policy's window"),
    "response_detail": _("not responded to on time: late, overdue or not yet due"),
    "police": _("by whether police were called"),
    "ems": _("by whether emergency medical services were called"),
    "hearing_held": _("by whether a hearing was held"),
    "harmed_heard": _("by whether the harmed person was heard before the decision"),
    "appeal": _("by whether the decision was appealed"),
    "appeal_outcome": _("appealed ones, by the latest appeal's outcome"),
    "ended_early": _("by whether the ban ended early"),
    "supply_plan": _("by whether the ban had a supply access plan"),
    "length": _("by how long the ban really kept the person away"),
    "appeal_change": _("by whether an appeal replaced or ended the ban"),
    "supplies": _("by whether supplies were recorded within the policy's interval"),
    "status": _("by status"),
    "community": _("by whether the action restores the community (debrief, meeting, change)"),
}

LABELS = {
    "cases": _("Cases"),
    "cases.acknowledgement.within_window_share": _("Acknowledged within the window"),
    "cases.response.within_window_share": _("Responded within the window"),
    "cases.acknowledgement.median_days": _("Median days to acknowledge"),
    "cases.response.median_days": _("Median days to respond"),
    "cases.factor_supply_shortage.yes": _("Cases with supply shortage as a factor"),
    "cases.police.yes": _("Cases with police called"),
    "cases.ems.yes": _("Cases with EMS called"),
    "cases.harmed_heard.share": _("Harmed person heard"),
    "cases.hearing_held.yes": _("Cases with a hearing held"),
    "cases.appeal.share": _("Decisions appealed"),
    "bans": _("Temporary bans"),
    "bans.median_days": _("Median ban length (days)"),
    "bans.ended_early.share": _("Bans ended early"),
    "bans.supply_plan.share": _("Bans with a supply access plan"),
    "bans.length.1_day": _("Bans of 1 day"),
    "bans.length.2_to_3_days": _("Bans of 2 to 3 days"),
    "bans.length.4_to_7_days": _("Bans of 4 to 7 days"),
    "bans.length.8_to_14_days": _("Bans of 8 to 14 days"),
    "bans.length.15_days_or_more": _("Bans of 15 days or more"),
    "bans.appeal_change.share": _("Bans replaced or ended on appeal"),
    "ban_days": _("Days people were kept away by a ban"),
    "ban_days.supplies.within_interval_share": _(
        "Ban days with supplies recorded within the policy's interval"
    ),
    "actions": _("Restorative actions"),
    "actions.status.completed_share": _("Restorative actions completed"),
    "actions.community.yes": _("Community-restoration actions"),
    "follow_ups": _("Follow-ups"),
    "follow_ups.status.completion_share": _("Follow-ups completed"),
}

DERIVED_TEXT = {
    "cases.acknowledgement.within_window_share": _(
        "Share of the period's cases acknowledged within the policy's window."
    ),
    "cases.response.within_window_share": _(
        "Share of the period's cases responded to within the policy's window."
    ),
    "cases.acknowledgement.median_days": _("Median days from report to acknowledgement."),
    "cases.response.median_days": _("Median days from report to response."),
    "cases.harmed_heard.share": _("Share of decided cases where the harmed person was heard."),
    "cases.appeal.share": _("Share of decided cases whose decision was appealed."),
    "bans.median_days": _("Median length of the bans as given, in days."),
    "bans.ended_early.share": _("Share of bans that ended early."),
    "bans.supply_plan.share": _("Share of bans with a supply access plan."),
    "bans.appeal_change.share": _("Share of bans replaced or ended on appeal."),
    "ban_days.supplies.within_interval_share": _(
        "Share of ban days with supplies recorded within the policy's interval."
    ),
    "actions.status.completed_share": _("Share of restorative actions done."),
    "actions.community.share": _("Share of restorative actions that restore the community."),
    "follow_ups.status.completion_share": _("Share of follow-ups done."),
}


def _definitions(tree_of):
    out = {}
    for root, tree in tree_of.items():
        for fam in tree:
            for c in fam.components:
                if fam.name == TOTAL:
                    out[root] = f"{ROOT_TEXT[root]}."
                    continue
                family = fam.name
                if family.startswith("category_"):
                    text = _("with the category “%(c)s”") % {"c": family[9:].replace("_", " ")}
                elif family.startswith("factor_"):
                    text = _("with “%(f)s” as a contributing factor") % {
                        "f": family[7:].replace("_", " ")
                    }
                else:
                    text = FAMILY_TEXT.get(family, family)
                key = f"{root}.{family}.{c}"
                out[key] = f"{ROOT_TEXT[root]}, {text}: {c.replace('_', ' ')}."
    out.update(DERIVED_TEXT)
    return out


def catalogue():
    tree_of = roots()
    return Catalogue(
        roots=tree_of,
        shares=SHARES,
        medians=MEDIANS,
        labels=LABELS,
        definitions=_definitions(tree_of),
    )
