"""The case page's forms with the rows of a restoration plan: the decision and the appeal
decision (each row an action, a ban's terms included). The rules stay in workflow.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models import (
    RESTITUTION_MINIMUM,
    ActionKind,
    AppealOutcome,
    SupplyAccessPlan,
)
from workflow.services.plans import RESTITUTION_TOO_SMALL
from workflow.web.base import DateInput, MemberChoiceField
from workflow.web.forms import (
    OTHER_BAN_CHOICES,
    CaseForm,
    HeardMixin,
    PartyChoiceField,
    blank,
    start_of_day,
)


class ActionForm(forms.Form):
    """One restorative or community action of a plan. A row left without a kind is ignored."""

    kind = forms.ChoiceField(
        label=_("Action"), choices=blank(_("— none —")) + list(ActionKind.choices), required=False
    )
    for_party = PartyChoiceField(
        label=_("For whom"), required=False, empty_label=_("— the community —")
    )
    owner = MemberChoiceField(label=_("Owner (staff)"), required=False, empty_label=_("— choose —"))
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Details"), required=False)
    ban_days = forms.IntegerField(label=_("Ban: how many days"), required=False, min_value=1)
    ban_ends_on = forms.DateField(
        label=_("Ban: or welcome back on"), required=False, widget=DateInput()
    )
    supply_access_plan = forms.ChoiceField(
        label=_("Ban: how supplies reach them"),
        choices=blank(_("— choose —")) + list(SupplyAccessPlan.choices),
        required=False,
    )
    supply_access_details = forms.CharField(label=_("Ban: supply plan details"), required=False)
    ban_keep_current = forms.BooleanField(
        label=_("Ban: keep the person's current ban as it is"), required=False
    )
    other_bans = forms.ChoiceField(
        label=_("Ban: if already banned in another case"),
        choices=blank(_("— not banned elsewhere —")) + OTHER_BAN_CHOICES,
        required=False,
    )
    restitution_amount = forms.DecimalField(
        label=_("Restitution: amount"),
        required=False,
        min_value=RESTITUTION_MINIMUM,
        decimal_places=2,
        error_messages={"min_value": RESTITUTION_TOO_SMALL},
    )
    restitution_goods = forms.CharField(label=_("Restitution: goods"), required=False)

    BAN_FIELDS = (
        "ban_keep_current",
        "ban_days",
        "ban_ends_on",
        "supply_access_plan",
        "supply_access_details",
        "other_bans",
    )
    RESTITUTION_FIELDS = ("restitution_amount", "restitution_goods")

    def __init__(self, *args, members, parties, label_party, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].set_objects(members)
        self.fields["for_party"].set_objects(parties, label_party)

    def clean(self):
        data = super().clean()
        if data.get("kind"):
            for name, message in (
                ("owner", _("Choose who owns this action.")),
                ("due_date", _("Choose when it is due.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def spec(self):
        data = self.cleaned_data
        spec = {
            "kind": data["kind"],
            "owner": data["owner"],
            "due_date": data["due_date"],
            "description": data.get("description") or "",
            "for_party": data.get("for_party"),
            "restitution_amount": data.get("restitution_amount"),
            "restitution_goods": data.get("restitution_goods") or "",
        }
        if data["kind"] == ActionKind.TEMPORARY_BAN and data.get("ban_keep_current"):
            spec["ban"] = {"keep_current": True}
        elif data["kind"] == ActionKind.TEMPORARY_BAN:
            spec["ban"] = {
                "days": data.get("ban_days"),
                "ends_at": start_of_day(data.get("ban_ends_on")),
                "supply_access_plan": data.get("supply_access_plan") or "",
                "supply_access_details": data.get("supply_access_details") or "",
                "other_bans": data.get("other_bans") or None,
            }
        return spec


ACTION_FIELD_MAP = {
    "ban": "for_party",
    "participant": "for_party",
    "days": "ban_days",
    "ends_at": "ban_ends_on",
    "starts_at": "ban_ends_on",
    "reason": "description",
}

ActionFormSet = forms.formset_factory(ActionForm, extra=4, max_num=12)


class PlanFormMixin:
    """A form with the rows of a restoration plan (a formset under the form's own prefix)."""

    def build_actions(self):
        self.actions = ActionFormSet(
            data=self.data if self.is_bound else None,
            prefix=f"{self.prefix}-actions" if self.prefix else "actions",
            form_kwargs={
                "members": self.impartial_members,
                "parties": self.party_list,
                "label_party": self.label_party,
            },
        )

    def is_valid(self):
        own = super().is_valid()
        return self.actions.is_valid() and own

    def action_specs(self):
        """([spec], [row index]) for the rows that name an action."""
        rows = [(i, f) for i, f in enumerate(self.actions.forms) if f.cleaned_data.get("kind")]
        return [f.spec() for _i, f in rows], [i for i, _f in rows]

    def attach_action_error(self, exc, rows):
        """Errors of the service name the action as `actions[n].field`: show them on row n."""
        field = exc.field or ""
        if field.startswith("actions["):
            index = int(field[len("actions[") : field.index("]")])
            name = field.partition("].")[2] or None
            form = self.actions.forms[rows[index]] if index < len(rows) else None
            if form is not None:
                name = ACTION_FIELD_MAP.get(name, name)
                form.add_error(name if name in form.fields else None, str(exc.message))
                return True
        if field == "actions":
            self.add_error(None, str(exc.message))
            return True
        return False


class DecisionForm(PlanFormMixin, HeardMixin, CaseForm):
    reasons = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(
        label=_("The plan in a sentence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    community_impact = forms.CharField(
        label=_("Who else was affected (witnesses, the space)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["reasons", "harmed_person_heard", "not_heard_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harmed_person_heard"].help_text = _(
            "Leave unanswered to use the hearing's record."
        )
        self.build_actions()

    def arguments(self):
        data = self.cleaned_data
        actions, self.action_rows = self.action_specs()
        return {
            "reasons": data["reasons"],
            "actions": actions,
            "harmed_person_heard": self.heard_value(),
            "not_heard_reason": data.get("not_heard_reason") or "",
            "summary": data.get("summary") or "",
            "community_impact": data.get("community_impact") or "",
        }


class DecideAppealForm(PlanFormMixin, CaseForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=AppealOutcome.choices, widget=forms.RadioSelect
    )
    reasons_for_parties = forms.CharField(
        label=_("Reasons for the parties"),
        help_text=_(
            "Every party's notice says this. Write it for them: no other person's details."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label=_("Internal notes"),
        help_text=_("For staff only; never shown to the parties."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.CharField(label=_("The new plan in a sentence"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_actions()

    def arguments(self):
        actions, self.action_rows = self.action_specs()
        # No action rows: the plan stays as it is.
        return {**self.cleaned_data, "actions": actions or None}
