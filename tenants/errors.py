"""Domain errors shared by the program's apps; the API turns each into a 4xx response."""


class DomainError(Exception):
    """A request that cannot be carried out; the message says what to do instead."""

    status_code = 400

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    """This person's role does not allow the step."""

    status_code = 403
