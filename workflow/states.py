"""The case state machine: the states, who is who, and the check every step makes. The steps
themselves (the states each is allowed from, where it leads, who may take it) are declared in
workflow/steps. Services ask `check_step`; nothing else decides whether a step is allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from workflow.errors import NotPermitted, StepNotAllowed

if TYPE_CHECKING:  # the declarations import this module; only their type is needed here
    from tenants.models import PolicyVersion
    from workflow.steps.declaration import Step


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


INVESTIGATION = frozenset({State.INVESTIGATING, State.HEARING})

# Every step by name, declared in workflow/steps (with its service, pages and API, which sit
# above this module): that package hands its declarations over here when it is loaded, which
# WorkflowConfig.ready does before any step can run.
STEPS: dict[str, Step] = {}


def use_steps(steps: dict[str, Step]) -> None:
    STEPS.clear()
    STEPS.update(steps)


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


def roles_for(step: Step, policy: PolicyVersion) -> frozenset[str]:
    """The program roles that may take `step` under `policy`."""
    if step.who == POLICY_DECIDERS:
        return frozenset(policy.decider_roles)
    if step.who == POLICY_REVIEWERS:
        return frozenset(policy.appeal_reviewer_roles)
    if isinstance(step.who, str):
        raise ValueError(f"The step {step.name!r} names no roles the policy knows: {step.who!r}")
    return step.who


def allowed_steps(state: str, role: str | None, policy: PolicyVersion) -> list[str]:
    """Names of the steps this role may take on a case in `state` (for the API and pages)."""
    return [
        step.name
        for step in STEPS.values()
        if state in step.allowed_from and role in roles_for(step, policy)
    ]


def role_names(roles: frozenset[str] | set[str]) -> str:
    """The roles as people read them ("Program lead, Program staff"), not their codes."""
    return ", ".join(str(Role(r).label) for r in sorted(roles) if r in Role.values)


def step_words(step: Step) -> str:
    """What staff know the step as: its button on the case page, else its words, else its
    timeline words."""
    return str(step.page.button if step.page is not None else step.words or step.timeline)


def check_step(name: str, *, state: str | None, role: str | None, policy: PolicyVersion) -> Step:
    """Return the step, or raise the domain error that says why it cannot be taken now, in the
    words of the page (the step's button, the roles' names)."""
    step = STEPS[name]
    if role not in roles_for(step, policy):
        raise NotPermitted(
            _(
                "Your role does not allow this step (“%(step)s”). Ask someone with one of these "
                "roles: %(roles)s."
            )
            % {"step": step_words(step), "roles": role_names(roles_for(step, policy))}
        )
    if step.allowed_from and state not in step.allowed_from:
        assert state is not None, f"the step {name!r} is taken on a case"
        raise StepNotAllowed(
            _("This case is “%(state)s”, so “%(step)s” cannot be done now. %(hint)s")
            % {
                "state": State(state).label,
                "step": step_words(step),
                "hint": NEXT_STEP_HINT[State(state)],
            }
        )
    return step
