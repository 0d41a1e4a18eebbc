"""The case timeline in words: what each event was, who did it and when, and what changed.

The stored events keep ids and stored values (the hash chain covers them); this module only
says them in people's terms: staff by name, participants by code and alias, parties by who
they are and their role, stored values by their labels, dates in the program's time zone."""

import re

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tenants.models import Participant, Severity
from workflow import models as workflow_models
from workflow.models import Ban, CaseParty, FollowUp, RestorativeAction
from workflow.states import State
from workflow.steps import STEPS
from workflow.web.base import names_by_id

# Events that are not a step of their own (each step's event is named in workflow/steps).
OTHER_EVENTS = {
    "file_complaint": _("Complaint filed by a participant"),
    "ban_replaced_elsewhere": _("Welcome-back date set by a ban in another case"),
}


def what_happened(action):
    """The event's name in words: the step's timeline wording, or the other event's."""
    step = STEPS.get(action)
    if step is not None:
        return step.timeline
    return OTHER_EVENTS.get(action, action.replace("_", " ").capitalize())


# Keys of an event's before/after that are bookkeeping, not something a reader needs: ids of
# the record the event made (the event itself says what it made) and hashes.
HIDDEN = {
    "plan",
    "follow_ups",
    "appeal",
    "decision",
    "hearing",
    "statement",
    "consent",
    "notice",
    "evidence",
    "sha256",
    "contact",
    # A party acting on their own page: the event's "who" says it.
    "by_party",
    "by",
}
# Flags worth a line only when they are set: "policy beyond the recommendations: No" on every
# report is noise a reader learns to skip, and then misses the one case where it says Yes.
SAID_ONLY_WHEN_TRUE = {"beyond_recommendation"}

FIELD_LABELS = {
    "state": _("Step"),
    "kind": _("Kind"),
    "owner": _("Owner"),
    "party": _("Who"),
    "role": _("Role"),
    "participant": _("Participant"),
    "staff_user": _("Staff member"),
    "represents": _("Speaks for"),
    "filed_by": _("Filed by"),
    "investigator": _("Investigator"),
    "facilitator": _("Facilitator"),
    "attendees": _("Who attends"),
    "panelists": _("Participants on the panel"),
    "decided_by": _("Decided by"),
    "reviewer": _("Reviewed by"),
    "action": _("Restorative action"),
    "follow_up": _("Follow-up"),
    "ban": _("Ban"),
    "ended_bans": _("Bans ended"),
    "paused_bans": _("Bans paused"),
    "resumed_bans": _("Bans resumed"),
    "replaced_bans": _("Bans replaced"),
    "replaced": _("Replaced the ban"),
    "by_ban": _("Replaced by the ban"),
    "shortened_elsewhere": _("Bans in other cases now ending with this one"),
    "bans_still_running": _("Bans still running"),
    "other_bans": _("Already banned in another case"),
    "ends": _("Ends"),
    "reached_on": _("Date"),
    "notices": _("Notices prepared"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "max_days": _("Longest ban the policy allowed (days)"),
    "supply_access_plan": _("How supplies reach the person"),
    "scheduled_for": _("When"),
    "held_at": _("Held"),
    "acknowledged_at": _("Acknowledged"),
    "acknowledgement_due_at": _("Acknowledge by"),
    "response_due_at": _("Respond by"),
    "appeal_deadline": _("Appeal by"),
    "window_closed_at": _("Appeal window closes"),
    "delivered_at": _("Delivered"),
    "ended_at": _("Ended"),
    "ended_early_at": _("Ended early"),
    "given_at": _("Given"),
    "cancelled_at": _("Cancelled"),
    "location": _("Where"),
    "withdrawn_at": _("Withdrawn"),
    "harmed_person_heard": _("Harmed person heard"),
    "not_heard_reason": _("Why not heard"),
    "contributing_factors": _("Contributing factors"),
    "factors": _("Contributing factors"),
    "other_factor": _("Other factor"),
    "context_notes": _("Context"),
    "policy_version": _("Policy version"),
    "beyond_recommendation": _("Policy beyond the field's recommendations"),
    "severity_assessed": _("Severity assessed"),
    "contact_method": _("How to reach the person"),
    "size": _("Size (bytes)"),
    "method": _("How"),
    "level": _("Appeal level"),
    "outcome": _("Outcome"),
    "reasons": _("Reasons"),
    "note": _("Note"),
    "reason": _("Reason"),
    "active": _("Consent in force"),
    "anonymous": _("Anonymous"),
}

# Which keys hold what kind of id (an event stores ids; a reader needs who or what).
USER_KEYS = {"owner", "investigator", "facilitator", "decided_by", "reviewer"}
USER_KEYS |= {"staff_user"}
PARTY_KEYS = {"party", "represents", "filed_by", "attendees"}
BAN_KEYS = {"ban", "ended_bans", "paused_bans", "resumed_bans", "replaced_bans", "replaced"}
BAN_KEYS |= {"by_ban", "shortened_elsewhere", "bans_still_running"}
ID_KEYS = USER_KEYS | PARTY_KEYS | BAN_KEYS | {"action", "follow_up", "participant"}
# Words people typed: shown as typed, even when they happen to match a stored value.
FREE_TEXT = {"reason", "reasons", "note", "context_notes", "other_factor"}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _choice_labels():
    """{stored value: label} over every choice list a timeline can hold. A value shared by two
    lists ("other") has the same meaning in both, so one label serves."""
    labels = {}
    for module in (workflow_models,):
        for item in vars(module).values():
            if isinstance(item, type) and issubclass(item, models.Choices):
                labels.update(dict(item.choices))
    labels.update(dict(State.choices))
    labels.update(dict(Severity.choices))
    return labels


CHOICE_LABELS = _choice_labels()


def when(value):
    """A date and time as the staff pages show them: in the program's time zone."""
    return date_format(timezone.localtime(value), "D j M Y, H:i")


def _ids(events, keys):
    found = set()
    for event in events:
        for part in (event.before, event.after):
            for key in keys & part.keys():
                value = part[key]
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int) and not isinstance(item, bool):
                        found.add(item)
    return found


class Names:
    """Who and what each id in a set of events stands for, looked up once per kind."""

    def __init__(self, events):
        self.users = names_by_id(_ids(events, USER_KEYS) | {e.actor_id for e in events})
        parties = CaseParty.objects.filter(pk__in=_ids(events, PARTY_KEYS))
        self.parties = {p.pk: p for p in parties.select_related("participant")}
        party_users = names_by_id(p.staff_user_id for p in self.parties.values())
        self.party_names = {pk: _party_name(p, party_users) for pk, p in self.parties.items()}
        self.bans = {
            b.pk: _("until %(end)s") % {"end": date_format(timezone.localtime(b.ends_at), "D j M")}
            for b in Ban.objects.filter(pk__in=_ids(events, BAN_KEYS))
        }
        self.actions = {
            a.pk: a.get_kind_display()
            for a in RestorativeAction.objects.filter(pk__in=_ids(events, {"action"}))
        }
        self.follow_ups = {
            f.pk: f.get_kind_display()
            for f in FollowUp.objects.filter(pk__in=_ids(events, {"follow_up"}))
        }
        codes = {
            v
            for e in events
            for part in (e.before, e.after)
            for k, v in part.items()
            if k in {"participant", "panelists"}
            for v in (v if isinstance(v, list) else [v])
            if isinstance(v, str)
        }
        self.participants = {p.code: str(p) for p in Participant.objects.filter(code__in=codes)}

    def say(self, key, value):
        if isinstance(value, list):
            return ", ".join(str(self.say(key, v)) for v in value) or "—"
        if isinstance(value, dict):
            return "; ".join(f"{_label(k)}: {self.say(k, v)}" for k, v in value.items())
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, int) and key in ID_KEYS:
            return self._by_id(key, value)
        if isinstance(value, str):
            return self._text(key, value)
        return value

    def _by_id(self, key, value):
        if key in USER_KEYS:
            return self.users.get(value, _("a former member"))
        if key in PARTY_KEYS:
            return self.party_names.get(value, _("a party"))
        if key in BAN_KEYS:
            return self.bans.get(value, _("a ban"))
        if key == "action":
            return self.actions.get(value, _("an action"))
        if key == "follow_up":
            return self.follow_ups.get(value, _("a follow-up"))
        return value

    def _text(self, key, value):
        if key in FREE_TEXT:
            return value
        if key in {"participant", "panelists"} and value in self.participants:
            return self.participants[value]
        if _ISO_DATETIME.match(value) and (moment := parse_datetime(value)):
            return when(moment)
        if _ISO_DATE.match(value) and (day := parse_date(value)):
            return date_format(day, "D j M Y")
        return CHOICE_LABELS.get(value, value)


def _party_name(party, staff_names):
    role = party.get_role_display()
    if party.participant is not None:
        who = str(party.participant)
    elif party.staff_user_id is not None:
        who = staff_names.get(party.staff_user_id, _("a staff member"))
    else:
        who = party.label  # a filer (anonymous unless they gave a name) or a named supporter
    return f"{who}, {role.lower()}"


def _given(value):
    return value not in (None, "", [], {})


def _label(key):
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def _who(event, names):
    """Staff by name; a party acting on their own page as that party ("anonymous ·
    Complainant"); a complaint filed on the public page by its filer."""
    if event.actor_id is None and event.after.get("by"):
        return _("%(party)s (on their own page)") % {"party": event.after["by"]}
    if event.actor_id is None and event.action in ("file_complaint", "add_party"):
        return _("the person who filed")
    return names.get(event.actor_id, _("a participant"))


def describe_events(events):
    """[{seq, at, who, what, changes: [(field, before, after)]}] for the template."""
    events = list(events)
    names = Names(events)
    described = []
    for event in events:
        # A key with nothing before and nothing after says nothing: leave it out.
        keys = [
            k
            for k in {**event.before, **event.after}
            if k not in HIDDEN
            and (_given(event.before.get(k)) or _given(event.after.get(k)))
            and not (k in SAID_ONLY_WHEN_TRUE and not (event.before.get(k) or event.after.get(k)))
        ]
        changes = [
            (
                _label(key),
                names.say(key, event.before.get(key)) if key in event.before else "",
                names.say(key, event.after.get(key)) if key in event.after else "",
            )
            for key in keys
        ]
        described.append(
            {
                "seq": event.seq,
                "at": event.at,
                "who": _who(event, names.users),
                "what": what_happened(event.action),
                "action": event.action,
                "changes": changes,
            }
        )
    return described
