"""Forms of the public complaint pages: short, plain, every field but one optional."""

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.web.fields import TextBoxField
from workflow.models import Category
from workflow.services.complaints import FilerContact

WHEN_CHOICES = [
    ("today", _("Today")),
    ("yesterday", _("Yesterday")),
    ("this_week", _("In the past week")),
    ("earlier", _("Longer ago, or not sure")),
]
# An approximate time for the case record; the filer's own words are kept in the narrative.
WHEN_OFFSET = {
    "today": timedelta(0),
    "yesterday": timedelta(days=1),
    "this_week": timedelta(days=3),
    "earlier": timedelta(0),
}


class ComplaintForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("In your own words. Say as much or as little as you want."),
        # The limit is the service's, refused with its message (which names the limit). The box
        # has no `maxlength`: a browser cuts a paste at it without a word, and the end is lost.
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Tell us what happened, in your own words.")},
    )
    when = forms.ChoiceField(
        label=_("When did it happen?"),
        choices=WHEN_CHOICES,
        initial="today",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when it happened, roughly.")},
    )
    location = forms.CharField(
        label=_("Where? (optional)"),
        help_text=_("For example: at the supply table, outside, in the bathroom."),
        max_length=200,
        required=False,
    )
    who_was_involved = TextBoxField(
        label=_("Who was involved? (optional)"),
        help_text=_(
            "Describe them however you like: a name, a nickname, what they look like. "
            "You can leave this empty."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    categories = forms.MultipleChoiceField(
        label=_("What was it about? (optional)"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    filer_name = forms.CharField(
        label=_("Your name, or what people call you (optional)"),
        help_text=_("Leave this empty to stay anonymous."),
        max_length=100,
        required=False,
    )
    contact_method = forms.ChoiceField(
        label=_("Would you like us to contact you?"),
        choices=FilerContact.choices,
        initial=FilerContact.NONE,
        widget=forms.RadioSelect,
    )
    contact_detail = forms.CharField(
        label=_("Phone number or email address"),
        help_text=_("Only if you chose a text message or email."),
        max_length=200,
        required=False,
    )
    passphrase = forms.CharField(
        label=_("Secret words (optional)"),
        help_text=_(
            "Only if you want one: a few words you will remember. With your code it opens your "
            "own page, even on another phone. Without it, the code alone opens it."
        ),
        max_length=100,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Honeypot: hidden from people by the stylesheet (and from screen readers), but bots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _(
                    "This form looked like it was filled in automatically. If you are a person, "
                    "empty the field “Leave this field empty” and send it again."
                ),
                code="honeypot",
            )
        return data

    @property
    def tripped_honeypot(self):
        return any(e.code == "honeypot" for e in self.errors.as_data().get("__all__", []))

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "what_happened": data["what_happened"],
            "occurred_at": timezone.now() - WHEN_OFFSET[data["when"]],
            "when_described": dict(WHEN_CHOICES)[data["when"]],
            "location": data["location"],
            "who_was_involved": data["who_was_involved"],
            "categories": data["categories"],
            "filer_name": data["filer_name"],
            "contact_method": data["contact_method"],
            "contact_detail": data["contact_detail"],
            "passphrase": data["passphrase"],
        }


def normalize_tracking_code(value):
    """Accept the code however it was written down: any case, spaces, with or without the dash."""
    letters = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if len(letters) not in (8, 12):  # codes given before 12 letters were 8
        return None
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("Your tracking code"),
        help_text=_(
            "It looks like ABCD-2345-EFGH. Capital letters or not, with or without the dashes."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type the tracking code you were given.")},
    )
    passphrase = forms.CharField(
        label=_("Your secret words, if you chose some"),
        max_length=100,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OwnStatementForm(forms.Form):
    content = forms.CharField(
        label=_("Your statement"),
        help_text=_("What happened, in your own words, or anything you want the staff to know."),
        # The service refuses more than its limit in words; no `maxlength` (see ComplaintForm).
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your statement, in your own words.")},
    )


class SupporterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Who is this person for you?"),
        choices=[
            ("support_person", _("A support person: someone to be with me")),
            ("representative", _("A representative: someone to speak for me")),
        ],
        initial="support_person",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Their name, or what people call them"),
        max_length=100,
        error_messages={"required": _("Write the name of the person, as they like to be called.")},
    )


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(
        label=_("Anything you want to say about it (optional)"), max_length=2000, required=False
    )


class OwnAppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("What you disagree with, and why"),
        # The service refuses more than its limit in words; no `maxlength` (see ComplaintForm).
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what you disagree with, and why.")},
    )


class OwnLanguageForm(forms.Form):
    """The language of the party's own page and next notices (checked against the program's
    languages by the service)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
