"""The case workflow's models, one module per part of the process."""

from workflow.models.audit import CaseRead, PurgeRecord, ReadVia
from workflow.models.case import (
    Case,
    CaseKind,
    CaseParty,
    Category,
    DeliveryMethod,
    DueStatus,
    Notice,
    NoticeKind,
    PartyRole,
    due_status,
    next_due,
)
from workflow.models.decision import (
    COMMUNITY_ACTION_KINDS,
    ActionKind,
    ActionStatus,
    Appeal,
    AppealOutcome,
    Decision,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    PlanOrigin,
    RestorationPlan,
    RestorativeAction,
)
from workflow.models.events import CaseEvent
from workflow.models.hearing import Consent, Hearing, NotHeardReason
from workflow.models.investigation import (
    ContributingFactor,
    EvidenceFile,
    Investigation,
    Statement,
)
from workflow.models.safety import Ban, LowLevelResponse, SupplyAccessPlan

__all__ = [
    "COMMUNITY_ACTION_KINDS",
    "ActionKind",
    "ActionStatus",
    "Appeal",
    "AppealOutcome",
    "Ban",
    "Case",
    "CaseEvent",
    "CaseRead",
    "CaseKind",
    "CaseParty",
    "Category",
    "Consent",
    "ContributingFactor",
    "Decision",
    "DeliveryMethod",
    "DueStatus",
    "EvidenceFile",
    "FollowUp",
    "FollowUpKind",
    "FollowUpStatus",
    "Hearing",
    "Investigation",
    "LowLevelResponse",
    "NotHeardReason",
    "Notice",
    "NoticeKind",
    "PartyRole",
    "PlanOrigin",
    "PurgeRecord",
    "ReadVia",
    "RestorationPlan",
    "RestorativeAction",
    "Statement",
    "SupplyAccessPlan",
    "due_status",
    "next_due",
]
