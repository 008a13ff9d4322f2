"""The one refusal: what every service raises for a request it will not carry out, with a message a person can act
on (what is wrong, and what to do about it). The web answers it in one place (profilehost.errors)."""

from __future__ import annotations


class Refusal(ValueError):
    """`field` names the form field the message belongs to, when there is one; `status` is the HTTP answer."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class FieldError(Refusal):
    """A refusal about one form field (the field first, as the services write it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class FieldConflict(FieldError):
    """A refusal because the database already holds what the request would add (a name or an email taken), often by
    a request that came at the same moment: answered 409, where other refusals are 422."""

    status = 409
