"""The case state machine, declared once: the states, every step, the states each step is
allowed from, where it leads, and who may take it. Services ask `check_step`; nothing else
decides whether a step is allowed."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    HEARING = "hearing", _("Hearing")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Appealed")
    RESTORING = "restoring", _("Restoring")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RESOLVED_EARLY = "resolved_early", _("Resolved early")


FINAL_STATES = frozenset({State.CLOSED, State.WITHDRAWN, State.RESOLVED_EARLY})
OPEN_STATES = frozenset(set(State) - FINAL_STATES)
BEFORE_DECISION = frozenset(
    {State.REPORTED, State.ACKNOWLEDGED, State.INVESTIGATING, State.HEARING}
)
AFTER_DECISION = frozenset({State.DECIDED, State.APPEALED, State.RESTORING})

# Who: every program member, or leads and admins. "policy:…" means the program's policy names
# the roles (the decider and appeal reviewer roles).
STAFF = frozenset({"program_admin", "program_lead", "program_staff"})
LEADS = frozenset({"program_admin", "program_lead"})
POLICY_DECIDERS = "policy:decider_roles"
POLICY_REVIEWERS = "policy:appeal_reviewer_roles"
# A party acting for themselves on their own page (reached by their code, without an account).
PARTY = frozenset({"party"})


@dataclass(frozen=True)
class Step:
    name: str
    allowed_from: frozenset
    to: State | None  # None: the case stays in its state
    who: frozenset | str


INVESTIGATION = frozenset({State.INVESTIGATING, State.HEARING})

_STEPS = [
    Step("report_case", frozenset(), State.REPORTED, STAFF),
    Step("record_low_level_response", frozenset(), None, STAFF),
    Step("add_party", OPEN_STATES, None, STAFF),
    Step("assign_owner", OPEN_STATES, None, LEADS),
    Step("assess_severity", OPEN_STATES, None, STAFF),
    Step("impose_ban", OPEN_STATES, None, STAFF),
    Step("end_ban_early", frozenset(State), None, LEADS),
    # Supplies reach a banned person whatever the case's state (a closed case's ban still runs).
    Step("log_supply_contact", frozenset(State), None, STAFF),
    Step("acknowledge_case", frozenset({State.REPORTED}), State.ACKNOWLEDGED, STAFF),
    Step("record_notice_delivery", frozenset(State), None, STAFF),
    Step("record_notice_deliveries", frozenset(State), None, STAFF),
    Step("start_investigation", frozenset({State.ACKNOWLEDGED}), State.INVESTIGATING, LEADS),
    Step("add_statement", INVESTIGATION, None, STAFF),
    Step("attach_evidence", INVESTIGATION, None, STAFF),
    Step("record_contributing_factors", INVESTIGATION, None, STAFF),
    Step("schedule_hearing", INVESTIGATION, State.HEARING, STAFF),
    Step("record_consent", OPEN_STATES, None, STAFF),
    Step("withdraw_consent", frozenset(State), None, STAFF),
    Step("record_hearing_outcome", frozenset({State.HEARING}), None, STAFF),
    Step("reschedule_hearing", INVESTIGATION, None, STAFF),
    Step("cancel_hearing", INVESTIGATION, None, STAFF),
    Step("decide_case", INVESTIGATION, State.DECIDED, POLICY_DECIDERS),
    Step("begin_restoration", frozenset({State.DECIDED}), State.RESTORING, STAFF),
    Step("file_appeal", frozenset({State.DECIDED, State.RESTORING}), State.APPEALED, STAFF),
    Step("decide_appeal", frozenset({State.APPEALED}), State.RESTORING, POLICY_REVIEWERS),
    Step("update_action_status", AFTER_DECISION, None, STAFF),
    Step("complete_follow_up", AFTER_DECISION, None, STAFF),
    Step("waive_follow_up", AFTER_DECISION, None, LEADS),
    Step("finish_follow_ups", AFTER_DECISION, None, STAFF),
    Step("close_case", frozenset({State.RESTORING}), State.CLOSED, LEADS),
    Step("give_party_code", OPEN_STATES, None, STAFF),
    # What a party does on their own page.
    Step("read_own_notices", frozenset(State), None, PARTY),
    Step("add_own_statement", OPEN_STATES, None, PARTY),
    Step("name_own_supporter", OPEN_STATES, None, PARTY),
    Step("give_own_consent", OPEN_STATES, None, PARTY),
    Step("withdraw_own_consent", frozenset(State), None, PARTY),
    Step("file_own_appeal", frozenset({State.DECIDED, State.RESTORING}), State.APPEALED, PARTY),
    Step("withdraw_case", OPEN_STATES, State.WITHDRAWN, LEADS),
    Step("resolve_early", OPEN_STATES, State.RESOLVED_EARLY, LEADS),
]
STEPS = {step.name: step for step in _STEPS}

# Every (from, to) pair a step can make. The database refuses any other change of state
# (workflow/migrations/0005_state_transitions.py; a test keeps the two in step).
TRANSITIONS = frozenset(
    (origin.value, step.to.value)
    for step in _STEPS
    if step.to is not None
    for origin in step.allowed_from
    if origin != step.to
)

# What to do next from each state: the hint that ends every "not now" message.
NEXT_STEP_HINT = {
    State.REPORTED: _("Acknowledge the case first: give every party the notice of the process."),
    State.ACKNOWLEDGED: _(
        "Start the investigation first, with an investigator who is not a party."
    ),
    State.INVESTIGATING: _("Gather statements and evidence, then schedule a hearing or decide."),
    State.HEARING: _("Record the hearing outcome, then decide the case."),
    State.DECIDED: _("Begin the restoration plan, or file an appeal within the window."),
    State.APPEALED: _("Wait for the appeal to be decided by a reviewer the policy allows."),
    State.RESTORING: _("Complete or waive the follow-ups, then close the case."),
    State.CLOSED: _("This case is closed; nothing more can be done on it."),
    State.WITHDRAWN: _("This case was withdrawn; nothing more can be done on it."),
    State.RESOLVED_EARLY: _("This case was resolved early; nothing more can be done on it."),
}


def roles_for(step, policy):
    """The program roles that may take `step` under `policy`."""
    if step.who == POLICY_DECIDERS:
        return frozenset(policy.decider_roles)
    if step.who == POLICY_REVIEWERS:
        return frozenset(policy.appeal_reviewer_roles)
    return step.who


def allowed_steps(state, role, policy):
    """Names of the steps this role may take on a case in `state` (for the API and pages)."""
    return [
        step.name
        for step in _STEPS
        if state in step.allowed_from and role in roles_for(step, policy)
    ]


def check_step(name, *, state, role, policy):
    """Return the step, or raise the domain error that says why it cannot be taken now."""
    from workflow.errors import NotPermitted, StepNotAllowed

    step = STEPS[name]
    if role not in roles_for(step, policy):
        raise NotPermitted(
            _(
                "Your role does not allow this step (“%(step)s”). Ask someone with one of these "
                "roles: %(roles)s."
            )
            % {"step": name, "roles": ", ".join(sorted(roles_for(step, policy)))}
        )
    if step.allowed_from and state not in step.allowed_from:
        raise StepNotAllowed(
            _("This case is “%(state)s”, so “%(step)s” cannot be done now. %(hint)s")
            % {"state": State(state).label, "step": name, "hint": NEXT_STEP_HINT[State(state)]}
        )
    return step
