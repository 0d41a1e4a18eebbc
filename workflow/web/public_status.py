"""What the status page may say about a complaint: its stage in plain words, nothing else (no
names, no narrative, no details of other people, no reasons given by staff)."""

from django.utils.translation import gettext_lazy as _

from workflow.states import State

# The stages a filer sees, in order; several workflow states fall under one stage.
STAGES = [
    ("received", _("Received")),
    ("looking", _("Being looked into")),
    ("hearing", _("Meeting with the people involved")),
    ("decided", _("Decided")),
    ("restoring", _("Repairing the harm")),
    ("closed", _("Closed")),
]

STAGE_OF_STATE = {
    State.REPORTED: "received",
    State.ACKNOWLEDGED: "looking",
    State.INVESTIGATING: "looking",
    State.HEARING: "hearing",
    State.DECIDED: "decided",
    State.APPEALED: "decided",
    State.RESTORING: "restoring",
    State.CLOSED: "closed",
    State.WITHDRAWN: "closed",
    State.RESOLVED_EARLY: "closed",
}

HEADLINE = {
    State.REPORTED: _("Received"),
    State.ACKNOWLEDGED: _("Being looked into"),
    State.INVESTIGATING: _("Being looked into"),
    State.HEARING: _("Meeting with the people involved"),
    State.DECIDED: _("Decided"),
    State.APPEALED: _("Decided, and under appeal"),
    State.RESTORING: _("Repairing the harm"),
    State.CLOSED: _("Closed"),
    State.WITHDRAWN: _("Closed (withdrawn)"),
    State.RESOLVED_EARLY: _("Closed (resolved early)"),
}

EXPLANATION = {
    State.REPORTED: _("Your complaint has reached the staff. They will acknowledge it soon."),
    State.ACKNOWLEDGED: _(
        "Staff have acknowledged your complaint and told the people involved how the process works."
    ),
    State.INVESTIGATING: _(
        "Someone who is not involved is listening to the people involved and finding out what "
        "happened."
    ),
    State.HEARING: _(
        "A meeting with the people involved, and anyone speaking for them, is planned or under way."
    ),
    State.DECIDED: _(
        "A decision has been made on how to repair the harm. The people involved have been told "
        "how to appeal."
    ),
    State.APPEALED: _(
        "Someone asked for the decision to be looked at again. A reviewer who did not make the "
        "decision is looking at it."
    ),
    State.RESTORING: _(
        "The steps to repair the harm are under way, and staff check in on how they are going."
    ),
    State.CLOSED: _("The process is finished. Thank you for speaking up."),
    State.WITHDRAWN: _("This complaint was withdrawn, so the process has stopped."),
    State.RESOLVED_EARLY: _(
        "This complaint was settled before the full process was needed, so the process has stopped."
    ),
}


def public_status(case):
    """A plain summary of one complaint for the person holding its tracking code."""
    stage = STAGE_OF_STATE[State(case.state)]
    keys = [key for key, _label in STAGES]
    current = keys.index(stage)
    return {
        "headline": HEADLINE[State(case.state)],
        "explanation": EXPLANATION[State(case.state)],
        "is_open": case.is_open,
        "received_on": case.reported_at,
        "respond_by": case.response_due_at if case.responded_at is None else None,
        "stages": [
            {"label": label, "done": i < current, "current": i == current}
            for i, (_key, label) in enumerate(STAGES)
        ],
    }
