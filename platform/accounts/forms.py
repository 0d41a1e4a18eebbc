from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.access import program_role
from accounts.lockout import (
    SlowedDown,
    check_sign_in_pace,
    record_sign_in_failure,
    record_sign_in_success,
)


class PacedSignIn:
    """For sign-in forms: a user name under a flood of failures is slowed down, and failures
    and successes are counted (accounts.lockout). django-axes locks pairs on its own."""

    slowed_down = False

    def clean(self):
        username = self.cleaned_data.get("username")
        try:
            check_sign_in_pace(self.request, username)
        except SlowedDown as exc:
            self.slowed_down = True
            raise ValidationError(exc.message, code="slowed_down") from exc
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                record_sign_in_failure(username)
            raise
        if self.user_cache is not None:
            record_sign_in_success(self.request, username)
        return cleaned


class SignInForm(PacedSignIn, AuthenticationForm):
    """On a program site, only that program's members may sign in; everyone else gets the same
    message as a wrong password, so the form never confirms who has an account."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        program = getattr(self.request, "program", None)
        if program is not None and program_role(user, program) is None:
            raise self.get_invalid_login_error()


class AdminSignInForm(PacedSignIn, AdminAuthenticationForm):
    """The operators' admin sign-in, under the same flood control as the site's."""


class ProgramPasswordResetForm(PasswordResetForm):
    """On a program site, reset links go only to that program's members (the page reads the
    same either way), so the site never mails an outsider a link that confirms it exists."""

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program

    def get_users(self, email):
        for user in super().get_users(email):
            if self.program is None or program_role(user, self.program) is not None:
                yield user
