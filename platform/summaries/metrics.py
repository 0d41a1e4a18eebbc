"""What is counted, as trees of families (see summaries.suppression), and the figures derived
from published counts: shares and medians.

Every family of a root splits the root's count (or one component of a parent family) into parts
that add up to it, so a withheld part can never be recovered by subtracting the others."""

from django.utils.translation import gettext_lazy as _

from summaries.suppression import TOTAL, Family, root_family

# Kept here as plain values (not imported from workflow) so the public-schema side of the
# summaries never loads a program's models.
CASE_KINDS = ("incident", "complaint")
SEVERITIES = ("low", "moderate", "high", "severe")
CATEGORIES = (
    "violence",
    "threat",
    "bullying",
    "theft",
    "property_damage",
    "supply_or_service_dispute",
    "staff_conduct",
    "other",
)
FACTORS = ("supply_shortage", "crowding", "trauma", "mental_health", "staff_conduct", "other")
ACTION_KINDS = (
    "temporary_ban",
    "storytelling_listening",
    "restorative_labor",
    "restitution",
    "support_for_harmed_person",
    "support_for_person_who_did_harm",
    "reflective_journaling",
    "accountability_buddy",
    "other",
    "witness_debrief",
    "community_meeting",
    "space_or_supply_change",
    "policy_review",
)
COMMUNITY_ACTION_KINDS = (
    "witness_debrief",
    "community_meeting",
    "space_or_supply_change",
    "policy_review",
)
DUE = ("on_time", "late", "overdue", "pending")
# How long bans actually kept people away (after replacements and early ends), in bands.
BAN_LENGTHS = ("1_day", "2_to_3_days", "4_to_7_days", "8_to_14_days", "15_days_or_more")
BAN_APPEAL_CHANGES = ("replaced_on_appeal", "ended_on_appeal", "not_changed_on_appeal")
YES_NO = ("yes", "no")

ROOTS = {
    "cases": [
        root_family(),
        Family("kind", CASE_KINDS),
        Family("severity", SEVERITIES),
        Family("acknowledgement", DUE),
        Family("response", DUE),
        Family("police", YES_NO),
        Family("ems", YES_NO),
        *[Family(f"category_{c}", YES_NO) for c in CATEGORIES],
        *[Family(f"factor_{f}", YES_NO) for f in FACTORS],
        Family("hearing_held", YES_NO),
        Family("harmed_heard", ("heard", "not_heard", "no_decision")),
        Family("appeal", ("appealed", "not_appealed", "no_decision")),
        Family(
            "appeal_outcome",
            ("upheld", "modified", "overturned", "pending"),
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
    "ban_days": [
        root_family(),
        Family("supplies", ("within_interval", "gap")),
    ],
    "actions": [
        root_family(),
        Family("kind", ACTION_KINDS),
        Family("status", ("done", "open", "not_done", "cancelled")),
        Family("community", YES_NO),
    ],
    "follow_ups": [
        root_family(),
        Family("status", ("done", "waived", "pending")),
    ],
}

# Derived shares: (key, root, family, numerator components, denominator components or None
# for the whole parent). Published only when the family row is.
SHARES = [
    (
        "cases.acknowledgement.within_window_share",
        "cases",
        "acknowledgement",
        ("on_time",),
        ("on_time", "late", "overdue"),
    ),
    (
        "cases.response.within_window_share",
        "cases",
        "response",
        ("on_time",),
        ("on_time", "late", "overdue"),
    ),
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
    (
        "ban_days.supplies.within_interval_share",
        "ban_days",
        "supplies",
        ("within_interval",),
        None,
    ),
    ("actions.status.completed_share", "actions", "status", ("done",), None),
    ("actions.community.share", "actions", "community", ("yes",), None),
    ("follow_ups.status.completion_share", "follow_ups", "status", ("done",), None),
]

# Medians: (key, histogram, root, family that must be published).
MEDIANS = [
    ("cases.acknowledgement.median_days", "ack_days", "cases", "acknowledgement"),
    ("cases.response.median_days", "response_days", "cases", "response"),
    ("bans.median_days", "ban_days", "bans", TOTAL),
]


def count_key(root, family, component):
    return root if family == TOTAL else f"{root}.{family}.{component}"


def all_keys():
    keys = [
        count_key(root, fam.name, c)
        for root, tree in ROOTS.items()
        for fam in tree
        for c in fam.components
    ]
    return keys + [s[0] for s in SHARES] + [m[0] for m in MEDIANS]


def empty_counts():
    return {
        root: {fam.name: [0] * len(fam.components) for fam in tree} for root, tree in ROOTS.items()
    }


def as_tuples(counts, root):
    """One program's stored counts for a root, complete (families added later count as 0)."""
    stored = counts.get(root, {})
    return {fam.name: tuple(stored.get(fam.name, [0] * len(fam.components))) for fam in ROOTS[root]}


def median_of(histogram):
    """Median of values stored as {value (str, days): how many}."""
    items = sorted((float(k), n) for k, n in histogram.items() if n)
    total = sum(n for _, n in items)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, n in items:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return round((found[0] + found[1]) / 2, 1)


def merge_histograms(histograms):
    merged = {}
    for histogram in histograms:
        for k, n in histogram.items():
            merged[k] = merged.get(k, 0) + n
    return merged


def figures(values, shown, histograms, threshold):
    """The published figures of one row: counts of published family rows, shares from them,
    medians of at least `threshold` values; None wherever withheld.
    values: {root: {family: tuple}}; shown: {(root, family): bool}."""
    out = {}
    for root, tree in ROOTS.items():
        for fam in tree:
            ok = shown[(root, fam.name)]
            for i, c in enumerate(fam.components):
                out[count_key(root, fam.name, c)] = values[root][fam.name][i] if ok else None
    for key, root, family, num, den in SHARES:
        fam = next(f for f in ROOTS[root] if f.name == family)
        row = dict(zip(fam.components, values[root][family], strict=True))
        denominator = sum(row[c] for c in (den or fam.components))
        out[key] = (
            round(sum(row[c] for c in num) / denominator, 3)
            if shown[(root, family)] and denominator
            else None
        )
    for key, histogram, root, family in MEDIANS:
        data = histograms.get(histogram, {})
        enough = sum(data.values()) >= threshold
        out[key] = median_of(data) if shown[(root, family)] and enough else None
    return out


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
    "follow_ups.status.completion_share": _("Follow-ups completed"),
}
