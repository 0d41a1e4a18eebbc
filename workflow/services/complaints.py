"""A complaint filed on the program's public page, without signing in: the filer's tracking
code and optional secret words, and the case it opens. The codes are used for the parties'
own pages too (workflow.services.own_page)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.models import Severity
from tenants.policy import current_policy
from workflow.errors import WorkflowError
from workflow.models import (
    Case,
    CaseKind,
    CaseParty,
    Category,
    PartyKind,
    PartyRole,
    take_case_number,
)
from workflow.services._base import not_in_future, record_event, required_text, validate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud easily


# Three groups of four: 32^12 (about 10^18) codes, so with guesses rate limited a code cannot
# be found by trying, yet it still reads aloud and copies onto a card easily.
CODE_GROUPS = 3
PASSPHRASE_MIN_LENGTH = 4


def _random_code() -> str:
    chunk = lambda: "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(4))  # noqa: E731
    return "-".join(chunk() for _ in range(CODE_GROUPS))


def new_tracking_code() -> str:
    """A code no case or party of this program has (a repeat is practically never)."""
    code = _random_code()
    while (
        Case.objects.filter(tracking_code=code).exists()
        or CaseParty.objects.filter(access_code=code).exists()
    ):
        code = _random_code()
    return code


def passphrase_hash(passphrase: str) -> str:
    """The optional passphrase a party chose, checked for length and kept only as a hash."""
    passphrase = (passphrase or "").strip()
    if not passphrase:
        return ""
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise WorkflowError(
            _("Make the secret words at least %(n)s letters long, or leave them empty.")
            % {"n": PASSPHRASE_MIN_LENGTH},
            field="passphrase",
        )
    return make_password(passphrase)


class FilerContact(models.TextChoices):
    """How a participant who filed a complaint would like to hear back, if at all. (Lazy labels:
    the form shows them in the reader's language, not the one at import.)"""

    NONE = "none", gettext_lazy("No contact: I will check the status with my tracking code")
    IN_PERSON = "in_person", gettext_lazy("In person, at the site")
    TEXT = "text", gettext_lazy("Text message")
    EMAIL = "email", gettext_lazy("Email")


# The longest "what happened" a complaint from the public page may have.
COMPLAINT_MAX_LENGTH = 5_000


@transaction.atomic
def file_complaint(
    *,
    what_happened: str,
    occurred_at: datetime,
    when_described: str = "",
    location: str = "",
    who_was_involved: str = "",
    categories: Sequence[str] = (),
    filer_name: str = "",
    contact_method: str = FilerContact.NONE,
    contact_detail: str = "",
    passphrase: str = "",
) -> Case:
    """A participant files a complaint on the program's public page, without signing in.

    The one step open to anyone: there is no actor and no role to check (the public page limits
    how often one address may file). The filer's words go into the narrative, labelled, so staff
    read everything in one place; nothing is matched against participants, so filing never
    reveals whether someone is known to the program. Severity is a neutral placeholder until
    staff assess it (`assess_severity`; until then `severity_assessed_at` is empty).

    The filer becomes a party of their own (a complainant, anonymous unless they gave a name),
    reached through the tracking code and, if they chose one, a passphrase: so the case can be
    acknowledged and they get their notices on their own page. Returns the case;
    `case.tracking_code` is for the filer.
    """
    what_happened = required_text(
        what_happened,
        field="what_happened",
        message=_("Tell us what happened, in your own words."),
        max_length=COMPLAINT_MAX_LENGTH,
        too_long=_("Please keep it to %(limit)s characters at most (it has %(count)s)."),
    )
    if contact_method not in FilerContact.values:
        raise WorkflowError(_("Choose how you would like to be contacted."), field="contact_method")
    contact_detail = (contact_detail or "").strip()
    if contact_method in (FilerContact.TEXT, FilerContact.EMAIL) and not contact_detail:
        raise WorkflowError(
            _("Give the phone number or email address to reach you, or choose no contact."),
            field="contact_detail",
        )
    if contact_method == FilerContact.EMAIL:
        try:
            validate_email(contact_detail)
        except ValidationError:
            raise WorkflowError(
                _("This does not look like an email address; check it, or choose another way."),
                field="contact_detail",
            ) from None
    if contact_method == FilerContact.TEXT and sum(c.isdigit() for c in contact_detail) < 7:
        raise WorkflowError(
            _("Give a phone number that can receive text messages."), field="contact_detail"
        )
    if contact_method in (FilerContact.NONE, FilerContact.IN_PERSON):
        contact_detail = ""
    secret = passphrase_hash(passphrase)
    now = timezone.now()
    occurred_at = not_in_future(occurred_at, field="occurred_at")
    if occurred_at is None or occurred_at > now:
        occurred_at = now
    policy = current_policy()
    filer_name = (filer_name or "").strip()
    sections = [what_happened]
    labelled = [
        (_("When (in the filer's words)"), when_described),
        (_("Who was involved (in the filer's words)"), who_was_involved),
        (_("Filed by"), filer_name or _("Anonymous")),
        (
            _("Contact"),
            FilerContact(contact_method).label + (f": {contact_detail}" if contact_detail else ""),
        ),
    ]
    sections += [f"{label}: {(value or '').strip()}" for label, value in labelled if value]
    case = Case(
        kind=CaseKind.COMPLAINT,
        occurred_at=occurred_at,
        reported_at=now,
        location=(location or "").strip()[:200],
        narrative="\n\n".join(str(section) for section in sections),
        categories=sorted(set(categories or [])) or [Category.OTHER],
        severity=Severity.MODERATE,
        policy_version=policy,
        acknowledgement_due_at=now + timedelta(days=policy.acknowledgement_window_days),
        response_due_at=now + timedelta(days=policy.response_window_days),
        owner=None,
        reported_by=None,
        tracking_code=new_tracking_code(),
    )
    validate(case, exclude=["policy_version", "owner", "reported_by"])
    case.id = take_case_number()
    case.save(force_insert=True)
    record_event(
        case=case,
        actor=None,
        action="file_complaint",
        after={
            "state": case.state,
            "kind": case.kind,
            "filed_by": "participant",
            "anonymous": not filer_name,
            "contact_method": contact_method,
            "categories": case.categories,
            "severity_assessed": False,
            "policy_version": policy.number,
            "acknowledgement_due_at": case.acknowledgement_due_at,
            "response_due_at": case.response_due_at,
            "beyond_recommendation": policy.beyond_recommendation,
        },
        sync_reminders=False,
    )
    filer = CaseParty.objects.create(
        case=case,
        role=PartyRole.COMPLAINANT,
        kind=PartyKind.FILER,
        name=filer_name[:100],
        access_code=case.tracking_code,
        passphrase_hash=secret,
        # The language of the page they filed on: their notices and own page are written in it.
        language=translation.get_language() or "",
    )
    record_event(
        case=case,
        actor=None,
        action="add_party",
        after={
            "party": filer.pk,
            "role": filer.role,
            "filer": True,
            "anonymous": not filer_name,
            "passphrase": bool(secret),
        },
    )
    return case
