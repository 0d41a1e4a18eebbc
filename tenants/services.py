"""Participants: registered by a pseudonymous code and an alias, never a legal name."""

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from organizations.languages import offered_languages
from tenants.errors import DomainError, NotPermitted
from tenants.models import Participant
from tenants.policy import _role_of


@transaction.atomic
def register_participant(*, actor, code, alias="", advisory_board_member=False, language=""):
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
        code=code,
        alias=(alias or "").strip(),
        advisory_board_member=advisory_board_member,
        language=check_language(language),
    )


def check_language(code):
    """A language the active program offers, or empty (the program's first); anything else is
    refused with the choices, by name (a participant may not know "es"). The one check for a
    participant's language (staff set it) and a party's (on their own page)."""
    offered = offered_languages(getattr(connection, "tenant", None))
    if code and code not in [c for c, _name in offered]:
        raise DomainError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(n for _c, n in offered)},
            field="language",
        )
    return code or ""


@transaction.atomic
def set_participant_language(*, actor, participant, language):
    """The language a participant's notices, letters and own page are written in."""
    if _role_of(actor) is None:
        raise NotPermitted(_("Only members of this program can do this."))
    participant.language = check_language(language)
    participant.save(update_fields=["language"])
    return participant


@transaction.atomic
def set_program_languages(*, actor, program, languages):
    """The languages the program offers (its pages, notices and emails); at least one. The
    others are kept as turned off, so a language added to the platform later is on."""
    if _role_of(actor) != "program_admin":
        raise NotPermitted(_("Only a program admin can change the program's policy."))
    known = [code for code, _name in settings.LANGUAGES]
    chosen = [code for code in languages if code in known]
    if not chosen:
        raise DomainError(_("Choose at least one."), field="languages")
    program.languages_off = [code for code in known if code not in chosen]
    program.save(update_fields=["languages_off"])
    return program
