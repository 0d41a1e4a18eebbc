class OnboardingError(Exception):
    """A request that cannot be carried out; the message says what to do instead."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
