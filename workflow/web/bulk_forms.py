"""Forms that take several items of a case in one submission: the notices delivered in one
visit, the follow-ups done or waived together."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from workflow.models import STAFF_DELIVERY_METHODS, FollowUpStatus
from workflow.web.forms import CaseForm, blank


def _day(moment):
    return date_format(timezone.localtime(moment), "D j M")


class NoticeDeliveriesForm(CaseForm):
    """Every notice still to deliver, each with how it reached its person: one visit, one
    submission. A notice left at "not yet" stays waiting."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.waiting = [n for n in self.case.notices.all() if n.delivered_at is None]
        choices = blank(_("— not yet —")) + [(m.value, m.label) for m in STAFF_DELIVERY_METHODS]
        for notice in self.waiting:
            self.fields[f"notice_{notice.pk}"] = forms.ChoiceField(
                label=f"{notice.get_kind_display()} → {notice.party.label}",
                choices=choices,
                required=False,
            )

    def clean(self):
        data = super().clean()
        data["deliveries"] = [
            (notice, data[f"notice_{notice.pk}"])
            for notice in self.waiting
            if data.get(f"notice_{notice.pk}")
        ]
        return data

    def arguments(self):
        return {"deliveries": self.cleaned_data["deliveries"]}


class FinishFollowUpsForm(CaseForm):
    """Several follow-ups at once: tick those done, or those to waive with one reason."""

    notes = forms.CharField(
        label=_("Notes on what was done (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Why the waived ones are waived"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = [f for f in self.case.follow_ups.all() if f.status == FollowUpStatus.PENDING]
        choices = [(str(f.pk), f"{f.get_kind_display()} · {_day(f.due_at)}") for f in self.pending]
        self.fields["done"] = forms.MultipleChoiceField(
            label=_("Done"), choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.fields["waived"] = forms.MultipleChoiceField(
            label=_("Waive"), choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.order_fields(["done", "notes", "waived", "reason"])

    def clean(self):
        data = super().clean()
        by_id = {str(f.pk): f for f in self.pending}
        data["done_items"] = [by_id[i] for i in data.get("done") or []]
        data["waived_items"] = [by_id[i] for i in data.get("waived") or []]
        return data

    def arguments(self):
        data = self.cleaned_data
        return {
            "done": data["done_items"],
            "waived": data["waived_items"],
            "reason": data.get("reason") or "",
            "notes": data.get("notes") or "",
        }
