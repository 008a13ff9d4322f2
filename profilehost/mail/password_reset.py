"""A forgotten password, reset by a link mailed to the account's address.

The link is signed, lasts PASSWORD_RESET_AGE, and carries a fingerprint of the password hash and the address it
was made for: using it changes the password, which voids it and every other link sent before; so does any other
password change, and a change of the account's address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import User, utcnow
from ..services import accounts, audit
from . import notices, tokens
from .links import external_url
from .outbox import queue_mail, render_message, sent_recently

# One mailbox gets at most one reset message in this time, however often the form is sent for it.
RESEND_PAUSE = timedelta(minutes=2)


class ResetRefused(Exception):
    """A genuine, unexpired link that was used, or made void by a later password change."""


def request_reset(address: str) -> None:
    """Mail a reset link if an account has this address; answer the same (nothing) either way, after about the
    same work: for an unknown address the link is signed and the message rendered too, only not stored or sent."""
    try:
        address = accounts.check_email(address)
    except accounts.AccountError:
        return
    if sent_recently("password_reset", address, RESEND_PAUSE):
        return
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or not accounts.may_log_in(user):
        render_message("password_reset", **_reset_context(User(id=0, username="", password_hash="", email=address)))
        return
    queue_mail("password_reset", address, **_reset_context(user))
    # Not in the audit log: whoever asked is unknown (anyone may type an address), and the mail says it all.
    db.session.commit()


def _reset_context(user: User) -> dict:
    token = tokens.password_reset_token(user.id, user.password_hash, user.email)
    return {"username": user.username, "reset_url": external_url("auth.reset_password", token=token),
            "valid_minutes": int(tokens.PASSWORD_RESET_AGE.total_seconds() // 60)}


def user_for_reset(token: str) -> User:
    """The account a live reset link is for. Raises tokens.LinkExpired, tokens.LinkInvalid or ResetRefused."""
    user_id, fingerprint = tokens.read_password_reset_token(token)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not accounts.may_log_in(user):
        raise tokens.LinkInvalid
    if fingerprint != tokens.account_fingerprint(user.password_hash, user.email):
        raise ResetRefused("This link has been used, or the password or the account's email address was changed "
                           "after it was sent, so it no longer works. Ask for a new one if you still need it.")
    return user


def reset_with_link(token: str, new_password: str, *, ip: str = "") -> User:
    """Set the new password: every session and API token of the account ends. Raises AccountError for a password
    that is refused, and what user_for_reset raises."""
    user = user_for_reset(token)
    accounts.set_password(user, new_password)
    user.must_change_password = False  # chosen by the owner now, not given by someone else
    # The link reached the account's mailbox: that confirms the address as well as a confirmation link would.
    user.email_verified_at = user.email_verified_at or utcnow()
    user.pending_email = None  # a change of address asked for by whoever knew the old password is cancelled
    notices.password_changed(user, "reset_by_link")
    audit.record(user, "account.reset_password_by_email", user, ip=ip)
    db.session.commit()
    return user
