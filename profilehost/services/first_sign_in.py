"""The first sign-in with a password someone else chose (the operator's `flask user create` or `flask user password`,
the demo accounts): the account is marked, and every screen asks for a new password before anything else.

Such a password has been seen by another person, printed in a terminal, perhaps pasted into a chat; until its owner
replaces it, it must not be the password of a live account."""

from __future__ import annotations

from ..extensions import db
from ..mail import notices
from ..models import User
from .accounts import AccountError, check_password, confirm_password, end_sessions_and_tokens, hash_password


def require_new_password(user: User) -> None:
    user.must_change_password = True
    db.session.commit()


def replace_given_password(user: User, current: str, new: str) -> None:
    """The owner's own password in place of the one they were given; their other sessions and API tokens end, as
    with any password change (the caller logs the current browser in again). Raises AccountError."""
    confirm_password(user, current, field="current_password")
    try:
        check_password(new)
    except AccountError as refused:
        raise AccountError("new_password", refused.message) from None
    if new == current:
        raise AccountError("new_password", "Choose a password of your own, not the one you were given.")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions_and_tokens(user)
    notices.password_changed(user, "changed")
    db.session.commit()
