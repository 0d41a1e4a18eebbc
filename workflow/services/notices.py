"""Acknowledging a case and delivering notices: every party is told the process, the possible
outcomes, their rights and responsibilities and the timeline, in words written for their role
(workflow/services/notice_texts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.languages import language_for
from workflow.errors import WorkflowError
from workflow.models import STAFF_DELIVERY_METHODS, Notice, NoticeKind
from workflow.services._base import (
    begin_step,
    current_program,
    move_to,
    not_in_future,
    record_event,
)
from workflow.services.notice_texts import (
    appeal_outcome_notice_text,
    decision_notice_text,
    process_notice_text,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from accounts.models import User
    from workflow.models import Case, CaseParty


def party_language(party: CaseParty) -> str:
    """The language a party's notices and own page are written in: the party's own (a filer's
    is the one they filed in), else the participant's or staff member's, else the program's
    first, among the languages the program offers."""
    person = party.participant or party.staff_user
    return str(language_for(current_program(), party.language, getattr(person, "language", "")))


def issue_notices(*, case: Case, kind: str, text_for: Callable[[CaseParty], str]) -> int:
    """One notice of `kind` for every party of the case, in that party's language; returns how
    many were made."""
    notices = []
    for party in case.parties.select_related("participant", "staff_user").order_by("id"):
        with translation.override(party_language(party)):
            notices.append(Notice(case=case, party=party, kind=kind, text=text_for(party)))
    Notice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def acknowledge_case(*, actor: User, case: Case) -> Case:
    case, step = begin_step("acknowledge_case", actor=actor, case=case)
    if not case.parties.exists():
        raise WorkflowError(
            _("Add the people involved as parties first, so each gets a notice."), field="parties"
        )
    made = issue_notices(
        case=case, kind=NoticeKind.PROCESS, text_for=lambda party: process_notice_text(case, party)
    )
    case.acknowledged_at = timezone.now()
    before = move_to(case, step, extra_fields=["acknowledged_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={"state": case.state, "acknowledged_at": case.acknowledged_at, "notices": made},
    )
    return case


@transaction.atomic
def record_notice_delivery(
    *, actor: User, notice: Notice, method: str, delivered_at: datetime | None = None
) -> Notice:
    case, step = begin_step("record_notice_delivery", actor=actor, case=notice.case)
    notice = Notice.objects.select_for_update().get(pk=notice.pk, case=case)
    if notice.delivered_at is not None:
        raise WorkflowError(_("This notice was already delivered; its delivery is on record."))
    if method not in STAFF_DELIVERY_METHODS:
        raise WorkflowError(_("Choose how the notice was delivered."), field="method")
    notice.delivery_method = method
    notice.delivered_at = not_in_future(delivered_at or timezone.now(), field="delivered_at")
    notice.delivered_by = actor
    notice.save(update_fields=["delivery_method", "delivered_at", "delivered_by"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        after={
            "notice": notice.pk,
            "party": notice.party_id,
            "kind": notice.kind,
            "method": method,
            "delivered_at": notice.delivered_at,
        },
    )
    return notice


__all__ = [
    "acknowledge_case",
    "appeal_outcome_notice_text",
    "decision_notice_text",
    "issue_notices",
    "party_language",
    "process_notice_text",
    "record_notice_delivery",
]


@transaction.atomic
def record_notice_deliveries(
    *, actor: User, case: Case, deliveries: Sequence[tuple[Notice, str]]
) -> list[Notice]:
    """Several notices delivered in one visit: [(notice, method)], all or nothing; each is on
    the timeline as its own delivery."""
    case, _step = begin_step("record_notice_deliveries", actor=actor, case=case)
    if not deliveries:
        raise WorkflowError(_("Choose how at least one notice was delivered."))
    if any(notice.case_id != case.pk for notice, _method in deliveries):
        raise WorkflowError(_("Only this case's notices can be marked here."))
    return [
        record_notice_delivery(actor=actor, notice=notice, method=method)
        for notice, method in deliveries
    ]
