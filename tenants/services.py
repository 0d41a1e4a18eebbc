"""Participants: registered by a pseudonymous code and an alias, never a legal name."""

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from tenants.errors import DomainError, NotPermitted
from tenants.models import Participant
from tenants.policy import _role_of


@transaction.atomic
def register_participant(*, actor, code, alias="", advisory_board_member=False):
    if _role_of(actor) is None:
        raise NotPermitted(_("Only members of this program can do this."))
    code = (code or "").strip()
    if not code:
        raise DomainError(_("Give the participant a code the program chooses."), field="code")
    taken = Participant.objects.annotate(folded=Lower("code")).filter(folded=code.lower())
    if taken.exists():
        raise DomainError(
            _("The code “%(code)s” is already used; choose another.") % {"code": code}, field="code"
        )
    return Participant.objects.create(
        code=code, alias=(alias or "").strip(), advisory_board_member=advisory_board_member
    )
