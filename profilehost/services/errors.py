"""The refusal every service raises for bad input: which form field it concerns, and a message for a person."""


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
