from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import DeliveryChoice
from workflow.reminders import CHOOSABLE_KINDS, ReminderKind


class PreferencesForm(forms.Form):
    """One choice per kind of reminder; overdue reminders are not offered (always by email)."""

    def __init__(self, *args, initial_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=ReminderKind(kind).label,
                choices=DeliveryChoice.choices,
                initial=(initial_choices or {}).get(kind, DeliveryChoice.IMMEDIATELY),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how this reminder reaches you.")},
            )
