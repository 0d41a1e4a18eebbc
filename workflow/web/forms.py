"""Forms of the case page, one per step. They check shapes and turn ids into rows of this case
and this program; the rules themselves stay in workflow.services."""

from datetime import datetime, time

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Participant, Severity
from workflow.models import (
    ActionStatus,
    ContributingFactor,
    NotHeardReason,
    OtherBans,
    PartyRole,
)
from workflow.services.notice_texts import may_appeal
from workflow.web.base import (
    DateTimeLocalInput,
    MemberChoiceField,
    ObjectChoiceField,
    ObjectMultipleChoiceField,
)
from workflow.web.participants_lookup import ParticipantLookupField, find_participant


def blank(label):
    return [("", label)]


def start_of_day(day):
    """A date typed as “welcome back on” becomes the start of that day, local time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


class CaseForm(forms.Form):
    """A form bound to one case: knows its parties and the program's members."""

    def __init__(self, *args, case, members, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.members, self.party_list = case, members, parties
        self.label_party = party_labeller(members)
        staff_parties = {p.staff_user_id for p in parties if p.staff_user_id}
        self.impartial_members = [m for m in members if m.pk not in staff_parties]
        for field in self.fields.values():
            if isinstance(field, MemberChoiceField):
                field.set_objects(members if field.any_member else self.impartial_members)
            elif isinstance(field, PARTY_FIELDS):
                field.set_objects(parties, self.label_party)

    def parties(self, participants_only=False):
        return [p for p in self.party_list if p.participant_id or not participants_only]

    def arguments(self):
        """The step's service arguments from what was typed (after `is_valid`). A form whose
        fields are not named as the service's arguments says how they map."""
        return dict(self.cleaned_data)


def party_labeller(members):
    """Parties are shown as “CODE (alias) · role”, staff parties by name."""
    names = {m.pk: str(m) for m in members}

    def label(party):
        if party.staff_user_id:
            who = names.get(party.staff_user_id) or _("a staff member")
        else:
            who = party.label
        return f"{who} · {party.get_role_display()}"

    return label


class PartyChoiceField(ObjectChoiceField):
    pass


class PartiesField(ObjectMultipleChoiceField):
    pass


PARTY_FIELDS = (PartyChoiceField, PartiesField)


def party_field(label, required=True, help_text=""):
    return PartyChoiceField(
        label=label, required=required, help_text=help_text, empty_label=_("— choose —")
    )


OTHER_BAN_CHOICES = list(OtherBans.choices)


# --- summary and parties ------------------------------------------------------------------
class AddPartyForm(CaseForm):
    role = forms.ChoiceField(label=_("Role in the case"), choices=PartyRole.choices)
    participant = ParticipantLookupField(label=_("Participant (code or alias)"), required=False)
    staff_user = MemberChoiceField(
        any_member=True, label=_("Or a staff member"), required=False, empty_label=_("— none —")
    )
    represents = party_field(_("Represents (for a representative)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].widget.attrs["data-suggest-url"] = reverse("participant_suggest")

    def clean_participant(self):
        text = self.cleaned_data.get("participant")
        found = find_participant(text)
        if text and found is None:
            raise forms.ValidationError(
                _("No participant has this code or alias. Add them on the Participants page.")
            )
        return found


class AssignOwnerForm(CaseForm):
    owner = MemberChoiceField(label=_("Owner"))


class SeverityForm(CaseForm):
    severity = forms.ChoiceField(
        label=_("How serious"), choices=Severity.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the assessment rests on; it goes on the timeline."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case.severity_assessed_at is not None:
            self.fields["severity"].initial = self.case.severity


class ReasonForm(CaseForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoFieldsForm(CaseForm):
    pass


# --- notices and investigation --------------------------------------------------------------
class StartInvestigationForm(CaseForm):
    investigator = MemberChoiceField(
        label=_("Investigator"),
        empty_label=_("— choose —"),
        help_text=_("Someone who is not a party to the case."),
    )


class StatementForm(CaseForm):
    party = party_field(_("Whose statement"), required=False)
    content = forms.CharField(
        label=_("Statement"),
        # The service refuses more than STATEMENT_MAX_LENGTH with its message; the box has no
        # `maxlength`, which would cut a pasted statement without a word.
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    given_at = forms.DateTimeField(
        label=_("When it was given"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].empty_label = _("— not a party —")
        self.fields["party"].set_objects(self.party_list, self.label_party)


class EvidenceForm(CaseForm):
    file = forms.FileField(label=_("File"), required=False)
    description = forms.CharField(label=_("What it shows"), required=False)

    def arguments(self):
        data = self.cleaned_data
        return {"uploaded_file": data.get("file"), "description": data.get("description") or ""}


class FactorsForm(CaseForm):
    factors = forms.MultipleChoiceField(
        label=_("Contributing factors"),
        choices=ContributingFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_factor = forms.CharField(label=_("Other factor"), required=False)
    context_notes = forms.CharField(
        label=_("Context: power imbalances, systemic issues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        investigation = getattr(self.case, "investigation", None)
        if investigation is not None and not self.is_bound:
            self.initial = {
                "factors": investigation.contributing_factors,
                "other_factor": investigation.other_factor,
                "context_notes": investigation.context_notes,
                **self.initial,
            }


# --- hearing --------------------------------------------------------------------------------
class HearingForm(CaseForm):
    scheduled_for = forms.DateTimeField(label=_("When"), widget=DateTimeLocalInput())
    location = forms.CharField(label=_("Where"), required=False)
    facilitator = MemberChoiceField(
        label=_("Facilitator"),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Neutral: not a party to the case."),
    )
    attendees = PartiesField(
        label=_("Who attends"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    panelists = ObjectMultipleChoiceField(
        label=_("Advisory board members on the panel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        board = []
        if self.case.policy_version.advisory_board_on_panels:
            board = list(Participant.objects.filter(advisory_board_member=True)[:50])
        if board:
            self.fields["panelists"].set_objects(board)
        else:
            del self.fields["panelists"]

    def arguments(self):
        data = self.cleaned_data
        return {
            **data,
            "attendees": list(data.get("attendees") or []),
            "panelists": list(data.get("panelists") or []),
        }


class RescheduleHearingForm(CaseForm):
    scheduled_for = forms.DateTimeField(label=_("New time"), widget=DateTimeLocalInput())
    location = forms.CharField(
        label=_("Where"), required=False, help_text=_("Leave empty to keep the same place.")
    )
    reason = forms.CharField(label=_("Why it is moved"), widget=forms.Textarea(attrs={"rows": 2}))

    def arguments(self):
        # Left empty, the place stays as it was.
        return {**self.cleaned_data, "location": self.cleaned_data.get("location") or None}


class ConsentForm(CaseForm):
    party = party_field(_("Who consents to take part"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = {c.party_id for c in self.case.consents.all() if c.withdrawn_at is None}
        self.fields["party"].set_objects(
            [p for p in self.party_list if p.pk not in active], self.label_party
        )


class WithdrawConsentForm(CaseForm):
    note = forms.CharField(label=_("Note (optional)"), required=False)


HEARD_CHOICES = [("yes", _("Yes, they were heard")), ("no", _("No"))]


class HeardMixin(forms.Form):
    harmed_person_heard = forms.ChoiceField(
        label=_("Was the harmed person heard?"),
        choices=HEARD_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    not_heard_reason = forms.ChoiceField(
        label=_("If not, why not"),
        choices=blank(_("— choose —")) + list(NotHeardReason.choices),
        required=False,
    )

    def heard_value(self):
        value = self.cleaned_data.get("harmed_person_heard")
        return {"yes": True, "no": False}.get(value)


class HearingOutcomeForm(HeardMixin, CaseForm):
    outcome_notes = forms.CharField(
        label=_("What was said and agreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def arguments(self):
        return {**self.cleaned_data, "harmed_person_heard": self.heard_value()}


# --- appeal and follow-ups ------------------------------------------------------------------
class GivePartyCodeForm(CaseForm):
    party = party_field(_("For whom"))
    passphrase = forms.CharField(
        label=_("Secret words they choose (optional)"),
        required=False,
        max_length=100,
        help_text=_("Only if they want one; with the code it opens their page."),
    )


class FileAppealForm(CaseForm):
    party = party_field(_("Who appeals"))
    grounds = forms.CharField(
        label=_("What the appeal is about"),
        # The service refuses more than APPEAL_GROUNDS_MAX_LENGTH with its message (no
        # `maxlength`, which would cut pasted grounds without a word).
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the parties the policy lets appeal are offered (the service checks it too).
        policy = self.case.policy_version
        self.fields["party"].set_objects(
            [p for p in self.party_list if may_appeal(p, policy)], self.label_party
        )


class ActionStatusForm(CaseForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), required=False)
