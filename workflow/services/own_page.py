"""What a party does for themselves on their own page, reached with their code (and the
passphrase they chose, if any) and no account: read their notices, add their statement, name a
representative or support person, give or withdraw consent, and appeal within the window.

Each step is one transaction on the locked case, checked against the state machine for the
"party" role, and written on the timeline as done by that party (no staff actor). Staff give
a party a code with `give_party_code`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.services import check_language
from workflow.errors import WorkflowError
from workflow.models import (
    Case,
    CaseParty,
    Consent,
    DeliveryMethod,
    Notice,
    PartyKind,
    PartyRole,
    Statement,
)
from workflow.services._base import (
    begin_step,
    party_of,
    record_event,
    required_text,
    statement_text,
)
from workflow.services.appeals import appeal_for_party
from workflow.services.complaints import new_tracking_code, passphrase_hash
from workflow.states import check_step

if TYPE_CHECKING:
    from typing import Any

    from accounts.models import User
    from workflow.models import Appeal, Case
    from workflow.steps.declaration import Step

PARTY_ROLE = "party"


@functools.cache
def _stand_in_hash() -> str:
    return make_password("a passphrase nobody has")


def find_party(*, code: str, passphrase: str = "") -> CaseParty | None:
    """The party this code (and passphrase, if they chose one) opens, or None: an unknown code
    and a wrong passphrase look the same, and each lookup does the same hashing work."""
    party = (
        CaseParty.objects.select_related("case").filter(access_code=code).first() if code else None
    )
    secret = party.passphrase_hash if party is not None else ""
    matches = check_password(passphrase or "", secret or _stand_in_hash())
    if party is None or (secret and not matches):
        return None
    return party


def _begin(step_name: str, party: CaseParty) -> tuple[Case, Step]:
    """Lock the party's case and check the step for a party acting for themselves."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=party.case_id)
    )
    step = check_step(step_name, state=case.state, role=PARTY_ROLE, policy=case.policy_version)
    return case, step


def _by(party: CaseParty) -> dict[str, Any]:
    return {"by_party": party.pk, "by": str(party)}


@transaction.atomic
def read_own_notices(*, party: CaseParty) -> list[Notice]:
    """The party opened their page: their notices not yet delivered count as delivered there.
    Returns the notices, oldest first."""
    case, step = _begin("read_own_notices", party)
    notices = list(Notice.objects.filter(party=party).order_by("id"))
    unread = [n for n in notices if n.delivered_at is None]
    if unread:
        now = timezone.now()
        Notice.objects.filter(pk__in=[n.pk for n in unread]).update(
            delivery_method=DeliveryMethod.OWN_PAGE, delivered_at=now
        )
        for notice in unread:
            notice.delivery_method, notice.delivered_at = DeliveryMethod.OWN_PAGE, now
        record_event(
            case=case,
            actor=None,
            action=step.name,
            after={
                **_by(party),
                "notices": [n.pk for n in unread],
                "method": DeliveryMethod.OWN_PAGE,
            },
        )
    return notices


@transaction.atomic
def add_own_statement(*, party: CaseParty, content: str) -> Statement:
    case, step = _begin("add_own_statement", party)
    content = statement_text(content, message=_("Write your statement, in your own words."))
    statement = Statement.objects.create(
        case=case, party=party, given_at=timezone.now(), content=content, recorded_by=None
    )
    record_event(
        case=case,
        actor=None,
        action=step.name,
        after={**_by(party), "statement": statement.pk},
    )
    return statement


@transaction.atomic
def name_own_supporter(*, party: CaseParty, role: str, name: str) -> CaseParty:
    """The party names someone to speak for them (a representative) or to be with them (a
    support person). The person is recorded by the name given; they need no code or account."""
    case, step = _begin("name_own_supporter", party)
    if role not in (PartyRole.REPRESENTATIVE, PartyRole.SUPPORT_PERSON):
        raise WorkflowError(_("Choose a representative or a support person."), field="role")
    if party.role in (PartyRole.REPRESENTATIVE, PartyRole.SUPPORT_PERSON):
        raise WorkflowError(_("Only the people the case is about can name someone."))
    name = required_text(
        name, field="name", message=_("Write the name of the person, as they like to be called.")
    )[:100]
    supporter = CaseParty.objects.create(
        case=case, role=role, kind=PartyKind.NAMED, name=name, represents=party
    )
    record_event(
        case=case,
        actor=None,
        action=step.name,
        after={**_by(party), "party": supporter.pk, "role": role, "represents": party.pk},
    )
    return supporter


@transaction.atomic
def give_own_consent(*, party: CaseParty) -> Consent:
    case, step = _begin("give_own_consent", party)
    if Consent.objects.filter(party=party, withdrawn_at__isnull=True).exists():
        raise WorkflowError(_("You have already said that you agree to take part."))
    consent = Consent.objects.create(
        case=case, party=party, given_at=timezone.now(), recorded_by=None
    )
    record_event(
        case=case,
        actor=None,
        action=step.name,
        after={**_by(party), "consent": consent.pk, "given_at": consent.given_at},
    )
    return consent


@transaction.atomic
def withdraw_own_consent(*, party: CaseParty, note: str = "") -> Consent:
    case, step = _begin("withdraw_own_consent", party)
    consent = (
        Consent.objects.select_for_update().filter(party=party, withdrawn_at__isnull=True).first()
    )
    if consent is None:
        raise WorkflowError(
            _("You have not said that you agree to take part, so there is nothing to take back.")
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_note = (note or "").strip()
    consent.save(update_fields=["withdrawn_at", "withdrawal_note"])
    record_event(
        case=case,
        actor=None,
        action=step.name,
        before={"active": True},
        after={**_by(party), "consent": consent.pk, "active": False},
    )
    return consent


@transaction.atomic
def file_own_appeal(*, party: CaseParty, grounds: str) -> Appeal:
    """The party appeals for themselves, within the window, if the policy lets their role."""
    case, step = _begin("file_own_appeal", party)
    return appeal_for_party(
        case=case, step=step, actor=None, party=party, grounds=grounds, by_party=True
    )


def choose_own_language(*, party: CaseParty, language: str) -> CaseParty:
    """The language the party's own page and their next notices are written in (one of those
    the program offers). Not a step of the case: nothing goes on the timeline."""
    language = check_language(language)
    CaseParty.objects.filter(pk=party.pk).update(language=language)
    party.language = language
    return party


@transaction.atomic
def give_party_code(*, actor: User, case: Case, party: CaseParty, passphrase: str = "") -> str:
    """Staff give a party of the case a code for their own page (a new one replaces any earlier
    code). Returns the code, to print on the party's card; the timeline records that one was
    given, never the code."""
    case, step = begin_step("give_party_code", actor=actor, case=case)
    # Any party, a staff member too: a staff member who is a party never sees the case from
    # the staff side (workflow.access), so their own page is where their notices reach them.
    party = CaseParty.objects.select_for_update().get(pk=party_of(case, party).pk, case=case)
    party.access_code = new_tracking_code()
    party.passphrase_hash = passphrase_hash(passphrase)
    party.save(update_fields=["access_code", "passphrase_hash"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={"party": party.pk, "passphrase": bool(party.passphrase_hash)},
    )
    return party.access_code
