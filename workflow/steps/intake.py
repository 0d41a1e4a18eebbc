"""Steps from the report to the notices: the case, its people, its owner and severity, bans
and supplies, the acknowledgement and the notices' delivery."""

from django.utils.translation import gettext_lazy as _

from workflow.api import inputs
from workflow.services import notices, own_page, reporting, safety
from workflow.states import LEADS, OPEN_STATES, STAFF, State
from workflow.steps.declaration import BAN, NOTICE, Api, Page, Step
from workflow.web import ban_forms, bulk_forms
from workflow.web import forms as f

EVERY_STATE = frozenset(State)
BAN_FIELDS = {"ends_at": "ends_on", "starts_at": "ends_on"}

STEPS = [
    Step(
        "report_case",
        frozenset(),
        State.REPORTED,
        STAFF,
        reporting.report_case,
        timeline=_("Case reported"),
        elsewhere="the incident page (/incidents/new/) and POST /api/cases/",
    ),
    Step(
        "record_low_level_response",
        frozenset(),
        None,
        STAFF,
        reporting.record_low_level_response,
        timeline=_("Low-level response recorded"),
        elsewhere="the incident page and POST /api/low-level-responses/ (no case is opened)",
    ),
    Step(
        "add_party",
        OPEN_STATES,
        None,
        STAFF,
        reporting.add_party,
        timeline=_("Party added"),
        page=Page(f.AddPartyForm, _("Add party"), _("Party added."), "parties"),
        api=Api(inputs.AddPartyInput, "parties", created=True),
    ),
    Step(
        "assign_owner",
        OPEN_STATES,
        None,
        LEADS,
        reporting.assign_owner,
        timeline=_("Owner changed"),
        page=Page(f.AssignOwnerForm, _("Change owner"), _("Owner changed."), "summary"),
        api=Api(inputs.OwnerInput, "owner"),
    ),
    Step(
        "assess_severity",
        OPEN_STATES,
        None,
        STAFF,
        reporting.assess_severity,
        timeline=_("Severity assessed"),
        page=Page(f.SeverityForm, _("Save severity"), _("Severity recorded."), "summary"),
        api=Api(inputs.SeverityInput, "severity"),
    ),
    Step(
        "impose_ban",
        OPEN_STATES,
        None,
        STAFF,
        safety.impose_ban,
        timeline=_("Temporary ban imposed"),
        page=Page(
            ban_forms.ImposeBanForm,
            _("Record ban"),
            _("Temporary ban recorded."),
            "bans",
            field_map=BAN_FIELDS,
        ),
        api=Api(inputs.ImposeBanInput, "bans", created=True),
    ),
    Step(
        "end_ban_early",
        EVERY_STATE,
        None,
        LEADS,
        safety.end_ban_early,
        timeline=_("Ban ended early"),
        page=Page(f.ReasonForm, _("End ban now"), _("Ban ended."), "bans"),
        api=Api(inputs.ReasonInput, "end-early"),
        item=BAN,
    ),
    # Supplies reach a banned person whatever the case's state (a closed case's ban still runs).
    Step(
        "log_supply_contact",
        EVERY_STATE,
        None,
        STAFF,
        safety.log_supply_contact,
        timeline=_("Supplies reached the banned person"),
        page=Page(
            ban_forms.SupplyContactForm,
            _("Log supplies"),
            _("Supplies logged."),
            "bans",
        ),
        api=Api(inputs.SupplyContactInput, "supplies", created=True),
        item=BAN,
    ),
    Step(
        "acknowledge_case",
        frozenset({State.REPORTED}),
        State.ACKNOWLEDGED,
        STAFF,
        notices.acknowledge_case,
        timeline=_("Acknowledged; notices prepared"),
        page=Page(
            f.NoFieldsForm,
            _("Acknowledge and prepare notices"),
            _("Acknowledged: a notice is ready for each party."),
            "notices",
        ),
        api=Api(None, "acknowledge"),
    ),
    # On the case page one notice is marked delivered through record_notice_deliveries' form.
    Step(
        "record_notice_delivery",
        EVERY_STATE,
        None,
        STAFF,
        notices.record_notice_delivery,
        timeline=_("Notice delivered"),
        api=Api(inputs.NoticeDeliveryInput, "delivery"),
        item=NOTICE,
        words=_("Mark delivered"),
    ),
    Step(
        "record_notice_deliveries",
        EVERY_STATE,
        None,
        STAFF,
        notices.record_notice_deliveries,
        timeline=_("Notices delivered"),
        page=Page(
            bulk_forms.NoticeDeliveriesForm,
            _("Save deliveries"),
            _("Notices marked delivered."),
            "notices",
        ),
    ),
    Step(
        "give_party_code",
        OPEN_STATES,
        None,
        STAFF,
        own_page.give_party_code,
        timeline=_("Code for their own page given"),
        page=Page(
            f.GivePartyCodeForm,
            _("Give a code"),
            _("Code given. Print their notice: the code and the address are on it."),
            "parties",
        ),
    ),
]
