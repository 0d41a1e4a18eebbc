"""Steps from the decision to the end: the decision and its plan, appeals, the plan's actions
and follow-ups, and the ways a case ends."""

from django.utils.translation import gettext_lazy as _

from workflow.api import inputs
from workflow.services import appeals, closing, decision
from workflow.states import (
    AFTER_DECISION,
    INVESTIGATION,
    LEADS,
    OPEN_STATES,
    POLICY_DECIDERS,
    POLICY_REVIEWERS,
    STAFF,
    State,
)
from workflow.steps.declaration import ACTION, APPEAL, FOLLOW_UP, Api, Page, Step
from workflow.web import ban_forms, bulk_forms, plan_forms
from workflow.web import forms as f

DECIDED = frozenset({State.DECIDED, State.RESTORING})
NO_PLAN_YET = _("Follow-ups are scheduled when the case is decided.")

STEPS = [
    Step(
        "decide_case",
        INVESTIGATION,
        State.DECIDED,
        POLICY_DECIDERS,
        decision.decide_case,
        timeline=_("Decision made"),
        page=Page(
            plan_forms.DecisionForm,
            _("Record decision"),
            _("Decision recorded."),
            "decision",
            waiting=_("Waiting for the investigation (and the hearing, if one is held)."),
        ),
        api=Api(inputs.DecisionInput, "decision", created=True),
    ),
    Step(
        "begin_restoration",
        frozenset({State.DECIDED}),
        State.RESTORING,
        STAFF,
        decision.begin_restoration,
        timeline=_("Restoration begun"),
        page=Page(
            f.NoFieldsForm,
            _("Begin restoration"),
            _("Restoration begun."),
            "decision",
            waiting=_("Waiting for the decision."),
        ),
        api=Api(None, "begin-restoration"),
    ),
    Step(
        "file_appeal",
        DECIDED,
        State.APPEALED,
        STAFF,
        appeals.file_appeal,
        timeline=_("Appeal filed"),
        page=Page(
            f.FileAppealForm,
            _("File appeal"),
            _("Appeal filed."),
            "appeal",
            waiting=_("Appeals open once the case is decided."),
        ),
        api=Api(inputs.AppealInput, "appeals", created=True),
    ),
    Step(
        "decide_appeal",
        frozenset({State.APPEALED}),
        State.RESTORING,
        POLICY_REVIEWERS,
        appeals.decide_appeal,
        timeline=_("Appeal decided"),
        page=Page(
            plan_forms.DecideAppealForm,
            _("Decide appeal"),
            _("Appeal decided."),
            "appeal",
            waiting=_("Waiting for an appeal to be filed."),
        ),
        api=Api(inputs.AppealDecisionInput, "decision"),
        item=APPEAL,
    ),
    Step(
        "update_action_status",
        AFTER_DECISION,
        None,
        STAFF,
        decision.update_action_status,
        timeline=_("Action status updated"),
        page=Page(
            f.ActionStatusForm,
            _("Update"),
            _("Action updated."),
            "decision",
            waiting=_("Waiting for the decision."),
        ),
        api=Api(inputs.ActionStatusInput, "status"),
        item=ACTION,
    ),
    # On the case page one follow-up is done or waived through finish_follow_ups' form.
    Step(
        "complete_follow_up",
        AFTER_DECISION,
        None,
        STAFF,
        closing.complete_follow_up,
        timeline=_("Follow-up done"),
        api=Api(inputs.FollowUpDoneInput, "complete"),
        item=FOLLOW_UP,
        words=_("Mark done"),
    ),
    Step(
        "waive_follow_up",
        AFTER_DECISION,
        None,
        LEADS,
        closing.waive_follow_up,
        timeline=_("Follow-up waived"),
        api=Api(inputs.ReasonInput, "waive"),
        item=FOLLOW_UP,
        words=_("Waive"),
    ),
    Step(
        "finish_follow_ups",
        AFTER_DECISION,
        None,
        STAFF,
        closing.finish_follow_ups,
        timeline=_("Follow-ups updated"),
        page=Page(
            bulk_forms.FinishFollowUpsForm,
            _("Save follow-ups"),
            _("Follow-ups updated."),
            "follow-ups",
            waiting=NO_PLAN_YET,
        ),
    ),
    Step(
        "close_case",
        frozenset({State.RESTORING}),
        State.CLOSED,
        LEADS,
        closing.close_case,
        timeline=_("Case closed"),
        page=Page(
            ban_forms.CloseForm,
            _("Close case"),
            _("Case closed."),
            "closing",
            waiting=_("Waiting for the restoration plan: close once every follow-up is done."),
        ),
        api=Api(inputs.CloseInput, "close"),
    ),
    Step(
        "withdraw_case",
        OPEN_STATES,
        State.WITHDRAWN,
        LEADS,
        closing.withdraw_case,
        timeline=_("Case withdrawn"),
        page=Page(f.ReasonForm, _("Withdraw case"), _("Case withdrawn."), "closing"),
        api=Api(inputs.ReasonInput, "withdraw"),
    ),
    Step(
        "resolve_early",
        OPEN_STATES,
        State.RESOLVED_EARLY,
        LEADS,
        closing.resolve_early,
        timeline=_("Case resolved early"),
        page=Page(f.ReasonForm, _("Resolve early"), _("Case resolved early."), "closing"),
        api=Api(inputs.ReasonInput, "resolve-early"),
    ),
]
