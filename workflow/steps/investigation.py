"""Steps of the investigation and the hearing: statements, evidence, context, the hearing
itself and the parties' consent to take part."""

from django.utils.translation import gettext_lazy as _

from workflow.api import inputs
from workflow.services import hearing, investigation
from workflow.states import INVESTIGATION, LEADS, OPEN_STATES, STAFF, State
from workflow.steps.declaration import CONSENT, HEARING, Api, Page, Step
from workflow.web import forms as f

NOT_STARTED = _("Waiting for the investigation to start.")
NOT_SCHEDULED = _("Waiting for the hearing to be scheduled.")

STEPS = [
    Step(
        "start_investigation",
        frozenset({State.ACKNOWLEDGED}),
        State.INVESTIGATING,
        LEADS,
        investigation.start_investigation,
        timeline=_("Investigation started"),
        page=Page(
            f.StartInvestigationForm,
            _("Start investigation"),
            _("Investigation started."),
            "investigation",
            waiting=_("Waiting for the acknowledgement: acknowledge the case first."),
        ),
        api=Api(inputs.InvestigationInput, "investigation"),
    ),
    Step(
        "add_statement",
        INVESTIGATION,
        None,
        STAFF,
        investigation.add_statement,
        timeline=_("Statement added"),
        page=Page(
            f.StatementForm,
            _("Add statement"),
            _("Statement added."),
            "investigation",
            waiting=NOT_STARTED,
        ),
        api=Api(inputs.StatementInput, "statements", created=True),
    ),
    Step(
        "attach_evidence",
        INVESTIGATION,
        None,
        STAFF,
        investigation.attach_evidence,
        timeline=_("Evidence attached"),
        page=Page(
            f.EvidenceForm,
            _("Attach file"),
            _("File attached."),
            "investigation",
            waiting=NOT_STARTED,
        ),
        api=Api(inputs.EvidenceInput, "evidence", created=True),
    ),
    Step(
        "record_contributing_factors",
        INVESTIGATION,
        None,
        STAFF,
        investigation.record_contributing_factors,
        timeline=_("Context and contributing factors recorded"),
        page=Page(
            f.FactorsForm,
            _("Save context and factors"),
            _("Context and contributing factors saved."),
            "investigation",
            waiting=NOT_STARTED,
        ),
        api=Api(inputs.FactorsInput, "contributing-factors"),
    ),
    Step(
        "schedule_hearing",
        INVESTIGATION,
        State.HEARING,
        STAFF,
        hearing.schedule_hearing,
        timeline=_("Hearing scheduled"),
        page=Page(
            f.HearingForm,
            _("Schedule hearing"),
            _("Hearing scheduled."),
            "hearing",
            waiting=NOT_STARTED,
        ),
        api=Api(inputs.HearingInput, "hearings", created=True),
    ),
    Step(
        "record_consent",
        OPEN_STATES,
        None,
        STAFF,
        hearing.record_consent,
        timeline=_("Consent recorded"),
        page=Page(f.ConsentForm, _("Record consent"), _("Consent recorded."), "hearing"),
        api=Api(inputs.ConsentInput, "consents", created=True),
    ),
    Step(
        "withdraw_consent",
        frozenset(State),
        None,
        STAFF,
        hearing.withdraw_consent,
        timeline=_("Consent withdrawn"),
        page=Page(
            f.WithdrawConsentForm,
            _("Withdraw consent"),
            _("Consent withdrawn."),
            "hearing",
        ),
        api=Api(inputs.WithdrawConsentInput, "withdraw"),
        item=CONSENT,
    ),
    Step(
        "record_hearing_outcome",
        frozenset({State.HEARING}),
        None,
        STAFF,
        hearing.record_hearing_outcome,
        timeline=_("Hearing outcome recorded"),
        page=Page(
            f.HearingOutcomeForm,
            _("Record outcome"),
            _("Hearing outcome recorded."),
            "hearing",
            waiting=NOT_SCHEDULED,
        ),
        api=Api(inputs.HearingOutcomeInput, "outcome"),
        item=HEARING,
    ),
    Step(
        "reschedule_hearing",
        INVESTIGATION,
        None,
        STAFF,
        hearing.reschedule_hearing,
        timeline=_("Hearing moved"),
        page=Page(
            f.RescheduleHearingForm,
            _("Move hearing"),
            _("Hearing moved."),
            "hearing",
            waiting=NOT_SCHEDULED,
        ),
        api=Api(inputs.RescheduleHearingInput, "reschedule"),
        item=HEARING,
    ),
    Step(
        "cancel_hearing",
        INVESTIGATION,
        None,
        STAFF,
        hearing.cancel_hearing,
        timeline=_("Hearing cancelled"),
        page=Page(
            f.ReasonForm,
            _("Cancel hearing"),
            _("Hearing cancelled."),
            "hearing",
            waiting=NOT_SCHEDULED,
        ),
        api=Api(inputs.CancelHearingInput, "cancel"),
        item=HEARING,
    ),
]
