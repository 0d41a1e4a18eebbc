from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.access import program_role


class SignInForm(AuthenticationForm):
    """On a program site, only that program's members may sign in; everyone else gets the same
    message as a wrong password, so the form never confirms who has an account."""

    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        program = getattr(self.request, "program", None)
        if program is not None and program_role(user, program) is None:
            raise self.get_invalid_login_error()
