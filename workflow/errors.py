"""Domain errors of the case workflow. Each message says what to do instead; the API returns
them as 4xx responses (see workflow/api/base.py)."""

from tenants.errors import DomainError, NotPermitted

__all__ = [
    "AppealWindowClosed",
    "CaseNotFound",
    "NeedsChoice",
    "ConflictOfInterest",
    "DomainError",
    "NotPermitted",
    "StepNotAllowed",
    "WorkflowError",
]


class WorkflowError(DomainError):
    """Bad or incomplete input for a step (400)."""


class StepNotAllowed(WorkflowError):
    """The step is not allowed from the case's current state (409)."""

    status_code = 409


class ConflictOfInterest(WorkflowError):
    """A party to the case, or its decider, cannot investigate, decide or review it."""

    status_code = 403


class CaseNotFound(DomainError):
    """The case does not exist for this person: none with this number, or one they are a party
    to (workflow.access). Answered as 404, exactly like a number never used."""

    status_code = 404


class AppealWindowClosed(WorkflowError):
    def __init__(self, message, *, closed_at, field=None):
        super().__init__(message, field=field)
        self.closed_at = closed_at


class NeedsChoice(WorkflowError):
    """The step would have a consequence the person must see and choose first (another ban
    already running, a ban still running at closing). `details` goes into the API answer."""

    status_code = 409

    def __init__(self, message, *, field=None, details=None):
        super().__init__(message, field=field)
        self.details = details or {}
