from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import HealthDepartment, ProgramType


class AddProgramForm(forms.Form):
    health_department = forms.ModelChoiceField(
        queryset=HealthDepartment.objects.none(), label=_("Health department")
    )
    name = forms.CharField(label=_("Program name"), max_length=200)
    program_type = forms.ChoiceField(label=_("Type of program"), choices=ProgramType.choices)
    slug = forms.CharField(
        label=_("Address"),
        max_length=60,
        help_text=_(
            "The program's site will be at ADDRESS.%(domain)s. "
            "Lowercase letters, digits and hyphens."
        ),
    )

    def __init__(self, *args, departments, base_domain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["health_department"].queryset = departments
        self.fields["health_department"].empty_label = None
        self.fields["slug"].help_text = self.fields["slug"].help_text % {"domain": base_domain}


class InviteForm(forms.Form):
    """The program's first admin: the only person the platform site invites into a program."""

    email = forms.EmailField(label=_("Email address of the program's first admin"))


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )

    def __init__(self, *args, existing_account, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_account = existing_account
        if existing_account:
            del self.fields["full_name"]
            del self.fields["password_again"]
            self.fields["password"].label = _("Your current password")
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        data = super().clean()
        if not self.existing_account and data.get("password") != data.get("password_again"):
            self.add_error(
                "password_again", _("The two passwords differ; type the same one twice.")
            )
        return data
