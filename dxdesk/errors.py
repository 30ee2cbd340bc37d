"""The expected kind of failure: bad input or a state the user can fix, with a message to show."""


class UserError(Exception):
    """An expected failure whose message (already translated) is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
