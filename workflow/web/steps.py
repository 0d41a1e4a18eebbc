"""Each step of the case page: its form, the item of the case it acts on (a notice, a hearing,
a follow-up ...), and the one service call it makes. Views stay thin: they look the step up
here, validate the form and call `run`."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from workflow import services
from workflow.models import (
    Appeal,
    Ban,
    Consent,
    FollowUp,
    Hearing,
    Notice,
    RestorativeAction,
)
from workflow.web import ban_forms, bulk_forms
from workflow.web import forms as f
from workflow.web.forms import start_of_day

BAN_FIELDS = {"ends_at": "ends_on", "starts_at": "ends_on"}


@dataclass(frozen=True)
class StepPage:
    name: str
    form: type
    call: object  # (actor, case, item, data, files) -> message
    done: str  # the message once done
    item_model: type | None = None
    item_case_path: str = "case"
    field_map: dict = field(default_factory=dict)
    anchor: str = "summary"


def _ban(actor, case, item, data, files):
    services.impose_ban(
        actor=actor,
        case=case,
        participant=data["participant"].participant,
        reason=data["reason"],
        supply_access_plan=data["supply_access_plan"],
        supply_access_details=data["supply_access_details"],
        days=data.get("days"),
        ends_at=start_of_day(data.get("ends_on")),
        other_bans=data.get("other_bans") or None,
    )


def _party(actor, case, item, data, files):
    services.add_party(
        actor=actor,
        case=case,
        role=data["role"],
        participant=data.get("participant"),
        staff_user=data.get("staff_user"),
        represents=data.get("represents"),
    )


def _decide(actor, case, item, data, files, form):
    actions, rows = form.action_specs()
    form.action_rows = rows
    services.decide_case(
        actor=actor,
        case=case,
        reasons=data["reasons"],
        actions=actions,
        harmed_person_heard=form.heard_value(),
        not_heard_reason=data.get("not_heard_reason") or "",
        summary=data.get("summary") or "",
        community_impact=data.get("community_impact") or "",
    )


def _decide_appeal(actor, case, item, data, files, form):
    actions, rows = form.action_specs()
    form.action_rows = rows
    services.decide_appeal(
        actor=actor,
        appeal=item,
        outcome=data["outcome"],
        reasons=data["reasons"],
        reasons_for_parties=data["reasons_for_parties"],
        actions=actions or None,
        summary=data.get("summary") or "",
    )


STEP_PAGES = [
    StepPage("add_party", f.AddPartyForm, _party, _("Party added."), anchor="parties"),
    StepPage(
        "assign_owner",
        f.AssignOwnerForm,
        lambda a, c, i, d, _f: services.assign_owner(actor=a, case=c, owner=d["owner"]),
        _("Owner changed."),
    ),
    StepPage(
        "assess_severity",
        f.SeverityForm,
        lambda a, c, i, d, _f: services.assess_severity(
            actor=a, case=c, severity=d["severity"], note=d.get("note") or ""
        ),
        _("Severity recorded."),
    ),
    StepPage(
        "impose_ban",
        ban_forms.ImposeBanForm,
        _ban,
        _("Temporary ban recorded."),
        field_map=BAN_FIELDS,
        anchor="bans",
    ),
    StepPage(
        "log_supply_contact",
        ban_forms.SupplyContactForm,
        lambda a, c, i, d, _f: services.log_supply_contact(
            actor=a, ban=i, reached_on=d["reached_on"], method=d["method"], note=d.get("note")
        ),
        _("Supplies logged."),
        item_model=Ban,
        anchor="bans",
    ),
    StepPage(
        "end_ban_early",
        f.ReasonForm,
        lambda a, c, i, d, _f: services.end_ban_early(actor=a, ban=i, reason=d["reason"]),
        _("Ban ended."),
        item_model=Ban,
        anchor="bans",
    ),
    StepPage(
        "acknowledge_case",
        f.NoFieldsForm,
        lambda a, c, i, d, _f: services.acknowledge_case(actor=a, case=c),
        _("Acknowledged: a notice is ready for each party."),
        anchor="notices",
    ),
    StepPage(
        "record_notice_delivery",
        f.NoticeDeliveryForm,
        lambda a, c, i, d, _f: services.record_notice_delivery(
            actor=a, notice=i, method=d["method"]
        ),
        _("Delivery recorded."),
        item_model=Notice,
        anchor="notices",
    ),
    StepPage(
        "start_investigation",
        f.StartInvestigationForm,
        lambda a, c, i, d, _f: services.start_investigation(
            actor=a, case=c, investigator=d["investigator"]
        ),
        _("Investigation started."),
        anchor="investigation",
    ),
    StepPage(
        "add_statement",
        f.StatementForm,
        lambda a, c, i, d, _f: services.add_statement(
            actor=a, case=c, content=d["content"], party=d.get("party"), given_at=d.get("given_at")
        ),
        _("Statement added."),
        anchor="investigation",
    ),
    StepPage(
        "attach_evidence",
        f.EvidenceForm,
        lambda a, c, i, d, files: services.attach_evidence(
            actor=a, case=c, uploaded_file=d.get("file"), description=d.get("description") or ""
        ),
        _("File attached."),
        anchor="investigation",
    ),
    StepPage(
        "record_contributing_factors",
        f.FactorsForm,
        lambda a, c, i, d, _f: services.record_contributing_factors(
            actor=a,
            case=c,
            factors=d.get("factors") or [],
            other_factor=d.get("other_factor") or "",
            context_notes=d.get("context_notes") or "",
        ),
        _("Context and contributing factors saved."),
        anchor="investigation",
    ),
    StepPage(
        "schedule_hearing",
        f.HearingForm,
        lambda a, c, i, d, _f: services.schedule_hearing(
            actor=a,
            case=c,
            scheduled_for=d["scheduled_for"],
            location=d.get("location") or "",
            facilitator=d.get("facilitator"),
            attendees=list(d.get("attendees") or []),
            panelists=list(d.get("panelists") or []),
        ),
        _("Hearing scheduled."),
        anchor="hearing",
    ),
    StepPage(
        "record_consent",
        f.ConsentForm,
        lambda a, c, i, d, _f: services.record_consent(actor=a, case=c, party=d["party"]),
        _("Consent recorded."),
        anchor="hearing",
    ),
    StepPage(
        "withdraw_consent",
        f.WithdrawConsentForm,
        lambda a, c, i, d, _f: services.withdraw_consent(
            actor=a, consent=i, note=d.get("note") or ""
        ),
        _("Consent withdrawn."),
        item_model=Consent,
        anchor="hearing",
    ),
    StepPage(
        "record_hearing_outcome",
        f.HearingOutcomeForm,
        lambda a, c, i, d, _f: services.record_hearing_outcome(
            actor=a,
            hearing=i,
            harmed_person_heard={"yes": True, "no": False}.get(d.get("harmed_person_heard")),
            not_heard_reason=d.get("not_heard_reason") or "",
            outcome_notes=d.get("outcome_notes") or "",
        ),
        _("Hearing outcome recorded."),
        item_model=Hearing,
        anchor="hearing",
    ),
    StepPage(
        "reschedule_hearing",
        f.RescheduleHearingForm,
        lambda a, c, i, d, _f: services.reschedule_hearing(
            actor=a,
            hearing=i,
            scheduled_for=d["scheduled_for"],
            location=d.get("location") or None,  # left empty: the place stays as it was
            reason=d["reason"],
        ),
        _("Hearing moved."),
        item_model=Hearing,
        anchor="hearing",
    ),
    StepPage(
        "cancel_hearing",
        f.ReasonForm,
        lambda a, c, i, d, _f: services.cancel_hearing(actor=a, hearing=i, reason=d["reason"]),
        _("Hearing cancelled."),
        item_model=Hearing,
        anchor="hearing",
    ),
    StepPage("decide_case", f.DecisionForm, _decide, _("Decision recorded."), anchor="decision"),
    StepPage(
        "begin_restoration",
        f.NoFieldsForm,
        lambda a, c, i, d, _f: services.begin_restoration(actor=a, case=c),
        _("Restoration begun."),
        anchor="decision",
    ),
    StepPage(
        "update_action_status",
        f.ActionStatusForm,
        lambda a, c, i, d, _f: services.update_action_status(
            actor=a, action=i, status=d["status"], note=d.get("note") or ""
        ),
        _("Action updated."),
        item_model=RestorativeAction,
        item_case_path="plan__case",
        anchor="decision",
    ),
    StepPage(
        "give_party_code",
        f.GivePartyCodeForm,
        lambda a, c, i, d, _f: services.give_party_code(
            actor=a, party=d["party"], passphrase=d.get("passphrase") or ""
        ),
        _("Code given. Print their notice: the code and the address are on it."),
        anchor="parties",
    ),
    StepPage(
        "file_appeal",
        f.FileAppealForm,
        lambda a, c, i, d, _f: services.file_appeal(
            actor=a, case=c, party=d["party"], grounds=d["grounds"]
        ),
        _("Appeal filed."),
        anchor="appeal",
    ),
    StepPage(
        "decide_appeal",
        f.DecideAppealForm,
        _decide_appeal,
        _("Appeal decided."),
        item_model=Appeal,
        anchor="appeal",
    ),
    StepPage(
        "record_notice_deliveries",
        bulk_forms.NoticeDeliveriesForm,
        lambda a, c, i, d, _f: services.record_notice_deliveries(
            actor=a, case=c, deliveries=d["deliveries"]
        ),
        _("Notices marked delivered."),
        anchor="notices",
    ),
    StepPage(
        "finish_follow_ups",
        bulk_forms.FinishFollowUpsForm,
        lambda a, c, i, d, _f: services.finish_follow_ups(
            actor=a,
            case=c,
            done=d["done_items"],
            waived=d["waived_items"],
            reason=d.get("reason") or "",
            notes=d.get("notes") or "",
        ),
        _("Follow-ups updated."),
        anchor="follow-ups",
    ),
    StepPage(
        "complete_follow_up",
        f.FollowUpDoneForm,
        lambda a, c, i, d, _f: services.complete_follow_up(
            actor=a, follow_up=i, notes=d.get("notes") or ""
        ),
        _("Follow-up done."),
        item_model=FollowUp,
        anchor="follow-ups",
    ),
    StepPage(
        "waive_follow_up",
        f.ReasonForm,
        lambda a, c, i, d, _f: services.waive_follow_up(actor=a, follow_up=i, reason=d["reason"]),
        _("Follow-up waived."),
        item_model=FollowUp,
        anchor="follow-ups",
    ),
    StepPage(
        "close_case",
        ban_forms.CloseForm,
        lambda a, c, i, d, _f: services.close_case(
            actor=a, case=c, confirm_running_bans=d.get("confirm_running_bans", False)
        ),
        _("Case closed."),
        anchor="closing",
    ),
    StepPage(
        "withdraw_case",
        f.ReasonForm,
        lambda a, c, i, d, _f: services.withdraw_case(actor=a, case=c, reason=d["reason"]),
        _("Case withdrawn."),
        anchor="closing",
    ),
    StepPage(
        "resolve_early",
        f.ReasonForm,
        lambda a, c, i, d, _f: services.resolve_early(actor=a, case=c, reason=d["reason"]),
        _("Case resolved early."),
        anchor="closing",
    ),
]
STEPS = {page.name: page for page in STEP_PAGES}
PLAN_STEPS = {"decide_case", "decide_appeal"}
