"""An incident as staff meet it: the case and, when the person was asked to leave, their
immediate ban, all or nothing (a refused ban leaves no case behind)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from workflow.errors import WorkflowError
from workflow.services.reporting import report_case
from workflow.services.safety import impose_ban

if TYPE_CHECKING:
    from typing import Any

    from accounts.models import User
    from workflow.models import Case


@transaction.atomic
def report_case_with_ban(*, actor: User, ban: dict[str, Any] | None = None, **report: Any) -> Case:
    """`report_case`, then `impose_ban` on the new case with `ban`'s terms (its reason
    defaults to what happened). Errors about the ban name their field as `ban.<field>`."""
    case = report_case(actor=actor, **report)
    if ban:
        terms = {**ban, "reason": ban.get("reason") or report.get("narrative", "")}
        try:
            impose_ban(actor=actor, case=case, **terms)
        except WorkflowError as exc:
            if exc.field and not exc.field.startswith("ban."):
                exc.field = f"ban.{exc.field}"
            raise
    return case
