"""The case timeline in words: what each event was, who did it and when, and what changed."""

from django.utils.translation import gettext_lazy as _

from workflow.web.base import names_by_id

ACTIONS = {
    "report_case": _("Case reported"),
    "file_complaint": _("Complaint filed by a participant"),
    "add_party": _("Party added"),
    "assign_owner": _("Owner changed"),
    "assess_severity": _("Severity assessed"),
    "impose_ban": _("Temporary ban imposed"),
    "end_ban_early": _("Ban ended early"),
    "acknowledge_case": _("Acknowledged; notices prepared"),
    "record_notice_delivery": _("Notice delivered"),
    "start_investigation": _("Investigation started"),
    "add_statement": _("Statement added"),
    "attach_evidence": _("Evidence attached"),
    "record_contributing_factors": _("Context and contributing factors recorded"),
    "schedule_hearing": _("Hearing scheduled"),
    "record_consent": _("Consent recorded"),
    "withdraw_consent": _("Consent withdrawn"),
    "record_hearing_outcome": _("Hearing outcome recorded"),
    "decide_case": _("Decision made"),
    "begin_restoration": _("Restoration begun"),
    "update_action_status": _("Action status updated"),
    "file_appeal": _("Appeal filed"),
    "decide_appeal": _("Appeal decided"),
    "complete_follow_up": _("Follow-up done"),
    "waive_follow_up": _("Follow-up waived"),
    "close_case": _("Case closed"),
    "withdraw_case": _("Case withdrawn"),
    "resolve_early": _("Case resolved early"),
    "give_party_code": _("Code for their own page given"),
    "read_own_notices": _("Notices read on their own page"),
    "add_own_statement": _("Statement added on their own page"),
    "name_own_supporter": _("Representative or support person named on their own page"),
    "give_own_consent": _("Consent given on their own page"),
    "withdraw_own_consent": _("Consent withdrawn on their own page"),
}

# Keys of an event's before/after that are bookkeeping, not something a reader needs.
HIDDEN = {"plan", "follow_ups", "by_party", "by"}


def _value(value):
    if isinstance(value, list):
        return ", ".join(str(_value(v)) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _who(event, names):
    """Staff by name; a party acting on their own page as that party ("anonymous ·
    Complainant"); a complaint filed on the public page by its filer."""
    if event.actor_id is None and event.after.get("by"):
        return _("%(party)s (on their own page)") % {"party": event.after["by"]}
    if event.actor_id is None and event.action in ("file_complaint", "add_party"):
        return _("the person who filed")
    return names.get(event.actor_id, _("unknown"))


def describe_events(events):
    """[{seq, at, who, what, changes: [(field, before, after)]}] for the template."""
    names = names_by_id(e.actor_id for e in events)
    described = []
    for event in events:
        keys = [k for k in {**event.before, **event.after} if k not in HIDDEN]
        changes = [
            (
                key.replace("_", " "),
                _value(event.before.get(key)) if key in event.before else "",
                _value(event.after.get(key)) if key in event.after else "",
            )
            for key in keys
        ]
        described.append(
            {
                "seq": event.seq,
                "at": event.at,
                "who": _who(event, names),
                "what": ACTIONS.get(event.action, event.action.replace("_", " ")),
                "action": event.action,
                "changes": changes,
            }
        )
    return described
