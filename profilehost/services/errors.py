"""The refusal every service raises for bad input: which form field it concerns, and a message for a person."""


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FieldConflict(FieldError):
    """A refusal because the database already holds what the request would add (a name or an email taken), often by
    a request that came at the same moment: answered 409, where other refusals are 422."""
