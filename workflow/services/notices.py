"""Acknowledging a case: every party is told the process, the possible outcomes, their rights
and responsibilities and the timeline, in words generated from the case's policy version."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.models import DeliveryMethod, Notice, NoticeKind
from workflow.services._base import begin_step, not_in_future, record_event


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def process_notice_text(case, party):
    policy = case.policy_version
    lines = [
        _("A concern was reported on %(date)s, and you are part of it as: %(role)s.")
        % {"date": _date(case.reported_at), "role": party.get_role_display()},
        _(
            "What happens next: we acknowledge the concern, look into it fairly with someone who "
            "is not involved, may hold a meeting with the people involved and their "
            "representatives, and then decide on steps to repair the harm."
        ),
        _(
            "Possible outcomes include listening to each other's stories, repairing or replacing "
            "what was damaged, support for the people involved, and a temporary break from the "
            "space of at most %(days)s days. No one is ever banned for good, and supplies remain "
            "available during any break."
        )
        % {"days": policy.max_ban_days},
        _(
            "Your rights: to be heard, to bring a representative and a support person, to take "
            "part or decline, to withdraw your consent at any time, and to appeal a decision "
            "within %(days)s days."
        )
        % {"days": policy.appeal_window_days},
        _(
            "Your responsibilities: to be honest, to respect the people involved, and to keep "
            "to the community agreement while the process runs."
        ),
        _("Timeline: we will respond with an outcome by %(date)s.")
        % {"date": _date(case.response_due_at)},
    ]
    return "\n\n".join(str(line) for line in lines)


def decision_notice_text(case, decision):
    return "\n\n".join(
        str(line)
        for line in [
            _("A decision was made on %(date)s.") % {"date": _date(decision.decided_at)},
            _("If you disagree, you can appeal by telling a staff member before %(date)s.")
            % {"date": _date(decision.appeal_deadline)},
        ]
    )


def appeal_outcome_notice_text(appeal):
    return "\n\n".join(
        str(line)
        for line in [
            _("The appeal was decided on %(date)s: %(outcome)s.")
            % {"date": _date(appeal.decided_at), "outcome": appeal.get_outcome_display()},
            appeal.outcome_reasons,
        ]
    )


def issue_notices(*, case, kind, text_for):
    """One notice of `kind` for every party of the case; returns how many were made."""
    notices = [
        Notice(case=case, party=party, kind=kind, text=text_for(party))
        for party in case.parties.select_related("participant")
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def acknowledge_case(*, actor, case):
    case, step = begin_step("acknowledge_case", actor=actor, case=case)
    if not case.parties.exists():
        raise WorkflowError(
            _("Add the people involved as parties first, so each gets a notice."), field="parties"
        )
    made = issue_notices(
        case=case, kind=NoticeKind.PROCESS, text_for=lambda party: process_notice_text(case, party)
    )
    case.acknowledged_at = timezone.now()
    before = case.state
    case.state = step.to
    case.save(update_fields=["state", "acknowledged_at", "updated_at"])
    record_event(
        case=case,
        actor=actor,
        action=step.name,
        before={"state": before},
        after={"state": case.state, "acknowledged_at": case.acknowledged_at, "notices": made},
    )
    return case


@transaction.atomic
def record_notice_delivery(*, actor, notice, method, delivered_at=None):
    case, step = begin_step("record_notice_delivery", actor=actor, case=notice.case)
    notice = Notice.objects.select_for_update().get(pk=notice.pk, case=case)
    if notice.delivered_at is not None:
        raise WorkflowError(_("This notice was already delivered; its delivery is on record."))
    if method not in DeliveryMethod.values:
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
