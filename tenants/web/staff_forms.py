from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import PROGRAM_ROLES, Role

ROLE_CHOICES = [(role.value, role.label) for role in Role if role in PROGRAM_ROLES]


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={"invalid": _("Enter an email address, like name@example.org.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.PROGRAM_STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
