"""Record an incident in under a minute, from a phone: what happened, who, and the immediate
step. The rest of the case is filled in later on its page."""

import json

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.errors import DomainError
from tenants.models import Severity
from tenants.policy import current_policy
from tenants.services import register_participant
from workflow import services
from workflow.models import CaseKind, Category, PartyRole
from workflow.web.ban_forms import BanTermsMixin
from workflow.web.base import DateTimeLocalInput, attach_error
from workflow.web.forms import start_of_day
from workflow.web.participants_lookup import ParticipantLookupField, find_participant

BAN, LEAVE, NOTHING = "ban", "leave", "nothing"


class IncidentForm(BanTermsMixin, forms.Form):
    narrative = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    who = ParticipantLookupField(
        label=_("Person who did harm: code or alias"),
        required=False,
        help_text=_("Leave empty if you do not know yet."),
    )
    add_new = forms.BooleanField(label=_("New person: add them with this code"), required=False)
    new_alias = forms.CharField(label=_("Alias of the new person (optional)"), required=False)
    harmed = ParticipantLookupField(label=_("Harmed person: code or alias"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("What kind of harm"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("How serious"), choices=Severity.choices, widget=forms.RadioSelect, required=False
    )
    immediate = forms.ChoiceField(
        label=_("Immediate step"),
        choices=[
            (NOTHING, _("Nothing now")),
            (BAN, _("Temporary ban")),
            (LEAVE, _("Asked to leave, welcome back tomorrow (no case)")),
        ],
        widget=forms.RadioSelect,
        initial=NOTHING,
    )
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for just now."),
    )
    location = forms.CharField(label=_("Where"), required=False, max_length=200)
    police_called = forms.BooleanField(label=_("Police were called"), required=False)
    ems_called = forms.BooleanField(label=_("An ambulance (EMS) was called"), required=False)
    emergency_services_reason = forms.CharField(
        label=_("Who called them, and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if police or an ambulance came. Nobody is asked for a legal name."),
    )

    field_order = ["narrative", "who", "add_new", "new_alias", "harmed", "categories"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        suggest = reverse("participant_suggest")
        for name in ("who", "harmed"):
            self.fields[name].widget.attrs["data-suggest-url"] = suggest
        # The ban fields are needed only for a ban: checked in clean().
        for name in ("supply_access_plan", "supply_access_details"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        immediate = data.get("immediate")
        who_text = (self.data.get(self.add_prefix("who")) or "").strip()
        if "who" not in self.errors:
            found = find_participant_or_error(self, "who", who_text)
            if found is None and who_text and not data.get("add_new"):
                self.add_error(
                    "who",
                    _(
                        "No participant has this code or alias. Tick “New person” to add them, "
                        "or leave it empty."
                    ),
                )
            data["who_participant"] = found
        harmed_text = (self.data.get(self.add_prefix("harmed")) or "").strip()
        if "harmed" not in self.errors:
            found = find_participant_or_error(self, "harmed", harmed_text)
            if found is None and harmed_text:
                self.add_error(
                    "harmed",
                    _("No participant has this code or alias; leave it empty and add them later."),
                )
            data["harmed_participant"] = found
        if immediate != LEAVE:
            if not data.get("categories"):
                self.add_error("categories", _("Choose at least one kind of harm."))
            if not data.get("severity"):
                self.add_error("severity", _("Choose how serious it was."))
        if immediate == BAN:
            if not who_text:
                self.add_error("who", _("Say who the ban is for."))
            if not data.get("supply_access_plan"):
                self.add_error(
                    "supply_access_plan", _("Choose how the person will keep getting supplies.")
                )
            if not (data.get("supply_access_details") or "").strip():
                self.add_error(
                    "supply_access_details",
                    _("Say how the person will keep getting supplies while banned."),
                )
        return data


def find_participant_or_error(form, name, text):
    try:
        return find_participant(text)
    except forms.ValidationError as exc:
        form.add_error(name, exc)
        return None


FIELD_MAP = {
    "code": "who",
    "participant": "who",
    "role": "who",
    "ends_at": "ends_on",
    "reason": "narrative",
    "what_happened": "narrative",
    "reported_at": "occurred_at",
}


def save_incident(*, actor, data):
    """All or nothing: a new participant, the case, its parties and the ban in one
    transaction. Returns (case or None, message)."""
    who = data.get("who_participant")
    if who is None and data.get("add_new") and data.get("who"):
        who = register_participant(actor=actor, code=data["who"], alias=data.get("new_alias"))
    if data["immediate"] == LEAVE:
        services.record_low_level_response(
            actor=actor,
            what_happened=data["narrative"],
            participant=who,
            occurred_at=data.get("occurred_at"),
            location=data.get("location") or "",
        )
        return None, _("Recorded: asked to leave, welcome back tomorrow. No case was opened.")
    parties = []
    if who is not None:
        parties.append({"role": PartyRole.PERSON_WHO_DID_HARM, "participant": who})
    harmed = data.get("harmed_participant")
    if harmed is not None and harmed != who:
        parties.append({"role": PartyRole.HARMED_PERSON, "participant": harmed})
    ban = None
    if data["immediate"] == BAN:
        ban = {
            "participant": who,
            "reason": data["narrative"],
            "supply_access_plan": data["supply_access_plan"],
            "supply_access_details": data["supply_access_details"],
            "days": data.get("days"),
            "ends_at": start_of_day(data.get("ends_on")),
            "other_bans": data.get("other_bans") or None,
        }
    case = services.report_case_with_ban(
        actor=actor,
        kind=CaseKind.INCIDENT,
        occurred_at=data.get("occurred_at") or timezone.now(),
        narrative=data["narrative"],
        categories=data["categories"],
        severity=data["severity"],
        location=data.get("location") or "",
        police_called=bool(data.get("police_called")),
        ems_called=bool(data.get("ems_called")),
        emergency_services_reason=data.get("emergency_services_reason") or "",
        parties=parties,
        ban=ban,
    )
    if ban:
        return case, _("Incident recorded with a temporary ban. Fill in the rest when you can.")
    return case, _("Incident recorded. Fill in the rest when you can.")


def record_incident(request):
    policy = current_policy()
    status = 200
    if request.method == "POST":
        form = IncidentForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    case, message = save_incident(actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                if exc.field:  # the form shows the ban's fields beside the case's
                    exc.field = exc.field.removeprefix("ban.")
                attach_error(form, exc, FIELD_MAP)
                status = exc.status_code
            else:
                messages.success(request, message)
                if case is None:
                    return redirect("home")
                return redirect(reverse("case_detail", args=[case.pk]))
        else:
            status = 400
    else:
        form = IncidentForm()
    return render(
        request,
        "workflow/record_incident.html",
        {
            "form": form,
            "policy": policy,
            "ban_days": json.dumps(policy.ban_days_by_severity),
        },
        status=status,
    )
