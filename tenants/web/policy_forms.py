"""The policy settings form: every setting of a PolicyVersion, with a plain explanation and the
field's recommendation beside it. The model and the database enforce the same limits."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import PROGRAM_ROLES, Role
from tenants.models import (
    APPEAL_WINDOW_CAP_DAYS,
    BAN_HARD_CAP_DAYS,
    FOLLOW_UP_CAP_DAYS,
    MAX_APPEAL_LEVELS,
    RECOMMENDED_RESPONSE_WINDOW_DAYS,
    RESPONSE_WINDOW_CAP_DAYS,
    RETENTION_MAX_DAYS,
    RETENTION_MIN_DAYS,
    SUPPLY_CONTACT_CAP_DAYS,
    Severity,
)
from tenants.policy import POLICY_FIELDS
from tenants.web.fields import TextBoxField

ROLE_CHOICES = [(role.value, role.label) for role in Role if role in PROGRAM_ROLES]
# The party roles that may appeal (tenants.models.APPELLANT_ROLE_VALUES), in the product's words.
APPELLANT_CHOICES = [
    ("harmed_person", _("Harmed person")),
    ("person_who_did_harm", _("Person who did harm")),
    ("complainant", _("Complainant")),
]


def time_zone_choices():
    default = [("", _("The platform's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE})]
    return default + [(name, name) for name in sorted(zoneinfo.available_timezones())]


# A ban longer than this is allowed (up to the hard cap) but flagged as long.
LONG_BAN_DAYS = 30


def _days(label, low, high, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "days"}),
        **kwargs,
    )


class PolicyForm(forms.Form):
    response_window_days = _days(_("Response window (days)"), 1, RESPONSE_WINDOW_CAP_DAYS)
    acknowledgement_window_days = _days(
        _("Acknowledgement window (days)"), 1, RESPONSE_WINDOW_CAP_DAYS
    )
    max_ban_days = _days(_("Longest ban (days)"), 1, BAN_HARD_CAP_DAYS)
    ban_low = _days(Severity.LOW.label, 0, BAN_HARD_CAP_DAYS)
    ban_moderate = _days(Severity.MODERATE.label, 0, BAN_HARD_CAP_DAYS)
    ban_high = _days(Severity.HIGH.label, 0, BAN_HARD_CAP_DAYS)
    ban_severe = _days(Severity.SEVERE.label, 0, BAN_HARD_CAP_DAYS)
    supply_contact_every_days = _days(
        _("Supplies reach a banned person at least every (days)"), 1, SUPPLY_CONTACT_CAP_DAYS
    )
    appeal_window_days = _days(_("Time to appeal (days)"), 1, APPEAL_WINDOW_CAP_DAYS)
    decider_roles = forms.MultipleChoiceField(
        label=_("Who may decide cases"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    appeal_reviewer_roles = forms.MultipleChoiceField(
        label=_("Who may review appeals"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    appellant_roles = forms.MultipleChoiceField(
        label=_("Who may appeal"),
        choices=APPELLANT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one.")},
    )
    appeal_levels = _days(_("Appeal levels"), 1, MAX_APPEAL_LEVELS)
    pause_ban_during_appeal = forms.BooleanField(
        label=_("Pause a ban while an appeal is open"), required=False
    )
    follow_up_days = forms.CharField(
        label=_("Follow-ups (days after the decision)"),
        max_length=100,
        help_text=_("Numbers separated by commas, for example: 7, 30, 90"),
    )
    community_check_in_days = _days(_("Community check-in every (days)"), 1, FOLLOW_UP_CAP_DAYS)
    facilitator_required = forms.BooleanField(
        label=_("A neutral facilitator is required at hearings"), required=False
    )
    advisory_board_on_panels = forms.BooleanField(
        label=_("Participant advisory board members may sit on hearing panels"), required=False
    )
    retention_days_after_close = _days(
        _("Keep records for (days)"), RETENTION_MIN_DAYS, RETENTION_MAX_DAYS
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)
    change_note = TextBoxField(
        label=_("What changed and why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with this version in the history below."),
    )

    BAN_FIELDS = {f"ban_{s}": s for s in Severity.values}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's script shows a setting's warning as soon as its number passes the limit.
        for name, (limit, _text) in WARNINGS.items():
            self.fields[name].widget.attrs.update(
                {"data-warn-above": limit, "data-warn-note": f"warn-{name}"}
            )

    @classmethod
    def initial_from(cls, policy):
        initial = {name: getattr(policy, name) for name in POLICY_FIELDS}
        offered = initial.pop("ban_days_by_severity") or {}
        for field, severity in cls.BAN_FIELDS.items():
            initial[field] = offered.get(severity, 0)
        initial["follow_up_days"] = ", ".join(str(d) for d in policy.follow_up_days)
        return initial

    def clean_follow_up_days(self):
        raw = self.cleaned_data["follow_up_days"]
        try:
            days = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(
                _("Write whole numbers of days separated by commas, for example: 7, 30, 90.")
            ) from None
        if not days:
            raise forms.ValidationError(_("Give at least one follow-up."))
        if any(d < 1 or d > FOLLOW_UP_CAP_DAYS for d in days) or days != sorted(set(days)):
            raise forms.ValidationError(
                _("Give follow-up days in increasing order, each from 1 to %(cap)s.")
                % {"cap": FOLLOW_UP_CAP_DAYS}
            )
        return days

    def clean(self):
        data = super().clean()
        ack, response = data.get("acknowledgement_window_days"), data.get("response_window_days")
        if ack is not None and response is not None and ack > response:
            self.add_error(
                "acknowledgement_window_days",
                _("Acknowledge within the response window: at most %(days)s days.")
                % {"days": response},
            )
        longest = data.get("max_ban_days")
        for field in self.BAN_FIELDS:
            days = data.get(field)
            if longest is not None and days is not None and days > longest:
                self.add_error(
                    field, _("At most the longest ban, %(days)s days.") % {"days": longest}
                )
        return data

    def policy_values(self):
        data = self.cleaned_data
        values = {name: data[name] for name in POLICY_FIELDS if name in data}
        values["ban_days_by_severity"] = {s: data[f] for f, s in self.BAN_FIELDS.items()}
        return values

    def warnings(self):
        """Settings beyond the field's recommendations, for the values shown on the form."""
        values = self.data if self.is_bound else self.initial
        warnings = {}
        response = _as_int(values.get("response_window_days"))
        if response is not None and response > RECOMMENDED_RESPONSE_WINDOW_DAYS:
            warnings["response_window_days"] = True
        longest = _as_int(values.get("max_ban_days"))
        if longest is not None and longest > LONG_BAN_DAYS:
            warnings["max_ban_days"] = True
        return warnings


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Per field: what it means, and the field's recommendation (shown beside it).
GUIDANCE = {
    "response_window_days": (
        _("Days from a report to responding with an outcome. Every case gets this due date."),
        _("Recommended: 7 days at most. Longer is allowed, but leaves people waiting."),
    ),
    "acknowledgement_window_days": (
        _("Days to acknowledge a report and tell everyone involved how the process works."),
        _("Default: 2 days. It cannot be longer than the response window."),
    ),
    "max_ban_days": (
        _(
            "The longest temporary ban this program allows. Every ban has an end date; no "
            "setting allows a permanent ban."
        ),
        _(
            "Keep bans short: a ban cuts people off from community and care. During any ban, "
            "supplies continue (bags off site, outreach, another site)."
        ),
    ),
    "ban_days_by_severity": (
        _(
            "The ban suggested to staff for each severity, as a starting point; 0 means no ban "
            "is suggested. Each is at most the longest ban."
        ),
        _("Prefer restorative actions; a ban is one tool among many."),
    ),
    "supply_contact_every_days": (
        _(
            "While a person is banned, staff log each time supplies reach them. A longer gap "
            "than this shows on Today and reminds the ban's owner."
        ),
        _("Default: every 3 days."),
    ),
    "decider_roles": (
        _("Roles that may decide a case. A decider is never a party to the case."),
        "",
    ),
    "appeal_window_days": (
        _("Days after a decision during which a party may appeal."),
        _("Default: 14 days."),
    ),
    "appeal_reviewer_roles": (
        _("Roles that may review an appeal. The reviewer never decided the case nor is a party."),
        "",
    ),
    "appellant_roles": (
        _(
            "The people in a case who may appeal its decision. Witnesses, representatives and "
            "support persons never appeal in their own name."
        ),
        _("Default: the harmed person, the person who did harm and the complainant."),
    ),
    "time_zone": (
        _("Dates and times on pages, notices and printouts are shown in this time zone."),
        "",
    ),
    "appeal_levels": (_("How many times a decision may be appealed in turn."), ""),
    "pause_ban_during_appeal": (
        _("If on, a ban stops counting while its appeal is open."),
        "",
    ),
    "follow_up_days": (
        _("Check-ins with the people involved after a decision, counted from the decision."),
        _("Default: 7, 30 and 90 days."),
    ),
    "community_check_in_days": (
        _("How often staff check on community-restoration actions (for example a space change)."),
        "",
    ),
    "facilitator_required": (
        _("A neutral person who is not involved leads every hearing."),
        _("Default: on."),
    ),
    "advisory_board_on_panels": (
        _("Participants on the program's advisory board may sit on hearing panels."),
        "",
    ),
    "retention_days_after_close": (
        _(
            "How long a closed case (with its timeline and files) and a low-level response "
            "are kept before they are removed for good. Counted from the day the case ended or "
            "the response was recorded. Export the program's data first if you need a copy."
        ),
        _(
            "Default: 730 days (two years). Keep only as long as you need: every record kept "
            "is a record that could be exposed."
        ),
    ),
}

WARNINGS = {
    "response_window_days": (
        RECOMMENDED_RESPONSE_WINDOW_DAYS,
        _(
            "Beyond the field's recommendation of %(days)s days. Allowed, but people wait "
            "longer for an outcome."
        )
        % {"days": RECOMMENDED_RESPONSE_WINDOW_DAYS},
    ),
    "max_ban_days": (
        LONG_BAN_DAYS,
        _(
            "Longer than %(days)s days. Allowed, but long bans push people away from care; "
            "prefer shorter breaks and restorative actions."
        )
        % {"days": LONG_BAN_DAYS},
    ),
}

SECTIONS = [
    (_("Timeline"), ["response_window_days", "acknowledgement_window_days"]),
    (
        _("Bans: always temporary, supplies always continue"),
        ["max_ban_days", "ban_days_by_severity", "supply_contact_every_days"],
    ),
    (
        _("Decisions and appeals"),
        [
            "decider_roles",
            "appeal_window_days",
            "appeal_reviewer_roles",
            "appellant_roles",
            "appeal_levels",
            "pause_ban_during_appeal",
        ],
    ),
    (_("Follow-up"), ["follow_up_days", "community_check_in_days"]),
    (_("Hearings"), ["facilitator_required", "advisory_board_on_panels"]),
    (_("Records and dates"), ["retention_days_after_close", "time_zone"]),
]


def form_sections(form):
    """The form's fields grouped for the page, each with its guidance and warning."""
    shown = form.warnings()
    sections = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            explain, recommend = GUIDANCE[name]
            _limit, warning = WARNINGS.get(name, (None, ""))
            row = {
                "name": name,
                "explain": explain,
                "recommend": recommend,
                "warning": warning,
                "warn_shown": shown.get(name, False),
            }
            if name == "ban_days_by_severity":
                row["label"] = _("Ban suggested by severity (days)")
                row["group"] = [form[field] for field in form.BAN_FIELDS]
            else:
                row["field"] = form[name]
            rows.append(row)
        sections.append({"title": title, "rows": rows})
    return sections
