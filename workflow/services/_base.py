"""What every step shares: who the actor is, locking the case, checking the state machine,
validating rows and writing the timeline event, all inside the step's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.access import program_role
from workflow.access import NOT_A_MEMBER, is_party, require_not_party
from workflow.errors import ConflictOfInterest, NotPermitted, WorkflowError
from workflow.models import APPEAL_GROUNDS_MAX_LENGTH, STATEMENT_MAX_LENGTH, Case, CaseEvent
from workflow.models.events import GENESIS_HASH, as_json_value
from workflow.outbox.sync import sync_case_reminders
from workflow.states import check_step

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from django.db import models

    from accounts.models import User
    from organizations.models import Program
    from workflow.models import CaseParty
    from workflow.steps.declaration import Step


# A moment, or nothing: what `not_in_future` is given, it gives back.
_When = TypeVar("_When", datetime, datetime | None)


def current_program() -> Program | None:
    return getattr(connection, "tenant", None)


def role_of(user: Any) -> str | None:
    """The user's role in the program whose schema is active, or None."""
    return program_role(user, current_program())


def require_member(user: Any, *, field: str | None = None) -> str:
    """The user's role. For the actor, no role is a 403; for someone named in a field (an
    investigator, an owner), it is bad input."""
    role = role_of(user)
    if role is None:
        if field is not None:
            raise WorkflowError(str(NOT_A_MEMBER), field=field)
        raise NotPermitted(_("Only members of this program can do this."))
    return role


def begin_step(step_name: str, *, actor: User, case: Case) -> tuple[Case, Step]:
    """Lock the case row (a second person acting at once waits, then sees the new state) and
    check the step against the state machine under the case's own policy version. A party to
    the case takes no step on it: to them it does not exist (workflow.access)."""
    role = require_member(actor)
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=case.pk)
    )
    require_not_party(locked, actor)
    step = check_step(step_name, state=locked.state, role=role, policy=locked.policy_version)
    return locked, step


def move_to(case: Case, step: Step, *, extra_fields: Sequence[str] = ()) -> str:
    """Apply the step's transition (if any) and save; return the state before."""
    before = case.state
    if step.to is not None:
        case.state = step.to
    case.save(update_fields=["state", "updated_at", *extra_fields])
    return before


def record_event(
    *,
    case: Case,
    actor: User | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    sync_reminders: bool = True,
) -> CaseEvent:
    """Append the next hash-linked event to the case's timeline. The caller holds the case lock,
    so sequence numbers are taken one at a time."""
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    event = CaseEvent(
        case=case,
        seq=seq,
        at=timezone.now(),
        actor=actor,
        action=action,
        before=as_json_value(before or {}),
        after=as_json_value(after or {}),
        prev_hash=prev_hash,
    )
    event.hash = event.computed_hash()
    event.save()
    if sync_reminders:  # a step writing several events syncs once, after the last
        sync_case_reminders(case)  # reminders change in the same transaction as the case
    return event


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's own rules (fields, clean, constraints); report the first problem on the
    field it concerns, so the API can answer 400 with a per-field message."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise WorkflowError(messages[0], field=None if field == "__all__" else field) from exc


def ensure_impartial(case: Case, user: User, *, duty: str, field: str) -> None:
    """Whoever runs part of the case (its owner, investigator, decider, appeal reviewer, hearing
    facilitator, an action's owner) is never a party to it: a party does not even see it."""
    if is_party(case, user):
        raise ConflictOfInterest(
            _(
                "%(who)s is a party to this case and cannot be its %(duty)s. Choose someone "
                "who is not involved."
            )
            % {"who": user, "duty": duty},
            field=field,
        )


def party_of(case: Case, party: CaseParty, *, field: str = "party") -> CaseParty:
    """The party, checked to belong to this case."""
    if party is None or party.case_id != case.pk:
        raise WorkflowError(_("Choose a party of this case."), field=field)
    return party


def required_text(
    value: str, *, field: str, message: str, max_length: int | None = None, too_long: str = ""
) -> str:
    """The text without surrounding spaces. Empty, it is refused with `message`; longer than
    `max_length`, with `too_long`, given the limit and the length as %(limit)s and %(count)s."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, field=field)
    if max_length is not None and len(value) > max_length:
        raise WorkflowError(
            too_long
            % {
                "limit": number_format(max_length, force_grouping=True),
                "count": number_format(len(value), force_grouping=True),
            },
            field=field,
        )
    return value


def statement_text(value: str, *, message: str) -> str:
    """A statement's words, a party's own or written down by staff, within the one limit."""
    return required_text(
        value,
        field="content",
        message=message,
        max_length=STATEMENT_MAX_LENGTH,
        too_long=_("Keep the statement to %(limit)s characters at most (it has %(count)s)."),
    )


def appeal_grounds_text(value: str, *, message: str) -> str:
    """What an appeal is about, from the party's own page or from staff, within the limit."""
    return required_text(
        value,
        field="grounds",
        message=message,
        max_length=APPEAL_GROUNDS_MAX_LENGTH,
        too_long=_(
            "Keep what the appeal is about to %(limit)s characters at most (it has %(count)s)."
        ),
    )


def not_in_future(value: _When, *, field: str) -> _When:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        raise WorkflowError(_("This cannot be in the future."), field=field)
    return value
