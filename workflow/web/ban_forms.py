"""The case page's forms about bans: imposing one (the terms are shared with the incident
form), logging supplies, and closing a case whose ban still runs."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.models import Ban, SupplyAccessPlan, SupplyMethod
from workflow.web.base import DateInput
from workflow.web.forms import OTHER_BAN_CHOICES, CaseForm, blank, party_field, start_of_day


class BanTermsMixin(forms.Form):
    days = forms.IntegerField(
        label=_("How many days"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to use the policy's length for this severity."),
    )
    ends_on = forms.DateField(label=_("Or: welcome back on"), required=False, widget=DateInput())
    supply_access_plan = forms.ChoiceField(
        label=_("How supplies reach them"),
        choices=blank(_("— choose —")) + list(SupplyAccessPlan.choices),
    )
    supply_access_details = forms.CharField(
        label=_("Supply plan details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who brings what, where and when."),
    )
    other_bans = forms.ChoiceField(
        label=_("If already banned in another case"),
        choices=OTHER_BAN_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A person has one welcome-back date: choose which end counts."),
    )

    def clean(self):
        data = super().clean()
        if data.get("days") and data.get("ends_on"):
            self.add_error(
                "days",
                _("Give either the number of days or the welcome-back date, not both."),
            )
        return data


class ImposeBanForm(BanTermsMixin, CaseForm):
    participant = party_field(_("Who is banned"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["participant", "days", "ends_on", "supply_access_plan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.parties(participants_only=True)
        self.fields["participant"].set_objects(people, self.label_party)
        # The choice is asked only where someone here is already banned in another case.
        elsewhere = Ban.objects.running().filter(participant__in=[p.participant_id for p in people])
        if not elsewhere.exclude(case=self.case).exists():
            del self.fields["other_bans"]

    def arguments(self):
        data = self.cleaned_data
        return {
            "participant": data["participant"].participant,  # the party chosen is a participant
            "reason": data["reason"],
            "supply_access_plan": data["supply_access_plan"],
            "supply_access_details": data["supply_access_details"],
            "days": data.get("days"),
            "ends_at": start_of_day(data.get("ends_on")),
            "other_bans": data.get("other_bans") or None,
        }


class SupplyContactForm(CaseForm):
    reached_on = forms.DateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("How"), choices=blank(_("— choose —")) + list(SupplyMethod.choices)
    )
    note = forms.CharField(label=_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached_on"].initial = timezone.localdate()


class CloseForm(CaseForm):
    """Closing a case whose ban still runs asks for a confirmation first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.running_bans = list(
            self.case.bans.running().select_related("participant").order_by("ends_at")
        )
        if self.running_bans:
            self.fields["confirm_running_bans"] = forms.BooleanField(
                label=_("Close anyway: the ban runs to its end"), required=False
            )
