"""Confirming an email address: at registration, and before a changed address replaces the old one."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User, utcnow
from . import notices, tokens
from .links import external_url
from .outbox import queue_mail


class ConfirmationRefused(Exception):
    """A genuine, unexpired link that cannot confirm anything (any more); the message says why and what to do."""


def verification_required() -> bool:
    return bool(current_app.config.get("EMAIL_VERIFICATION", True))


def ask_to_confirm(user: User, address: str) -> None:
    """Queue the link to `address` (the caller commits). Needs no query: a new account's row need not exist yet."""
    link = external_url("auth.confirm_email", token=tokens.confirm_email_token(user.username, address))
    queue_mail("verify_email", address, username=user.username, address=address, confirm_url=link,
               new_address=address != user.email, valid_days=tokens.CONFIRM_EMAIL_AGE.days)


def address_waiting(user: User) -> str | None:
    """The address a confirmation link was sent to and not yet followed, if any."""
    if user.pending_email:
        return user.pending_email
    return user.email if user.email_verified_at is None else None


def resend_confirmation(user: User) -> str | None:
    address = address_waiting(user)
    if address is not None:
        ask_to_confirm(user, address)
        db.session.commit()
    return address


def confirm_email(token: str) -> User:
    """Follow a confirmation link. Raises tokens.LinkExpired, tokens.LinkInvalid or ConfirmationRefused."""
    username, address = tokens.read_confirm_email_token(token)
    user = db.session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    if user is None or not isinstance(address, str):
        raise tokens.LinkInvalid
    if user.pending_email == address:
        _take_new_address(user, address)
    elif user.email == address and user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    elif user.email == address:
        raise ConfirmationRefused(f"{address} is confirmed already: this link has been used. You can log in.")
    else:
        raise ConfirmationRefused(f"This link was for {address}, which your account no longer asks to use: a newer "
                                  "address replaced it. Follow the link of the newest message instead.")
    return user


def _take_new_address(user: User, address: str) -> None:
    taken = ConfirmationRefused(f"Another account uses {address} now, so it cannot become yours. Choose another "
                                "address in your account settings.")
    if db.session.scalar(select(User.id).where(User.email == address, User.id != user.id)) is not None:
        raise taken
    switch_address(user, address, utcnow(), taken)


def switch_address(user: User, address: str, verified_at: datetime | None, taken: Exception) -> None:
    """Make `address` the account's, the old address told of it, and commit; `taken` is raised when another
    account took the address after the caller's check (the unique index refuses the second)."""
    old_address, old_confirmed = user.email, user.email_verified_at is not None
    user.email, user.pending_email, user.email_verified_at = address, None, verified_at
    notices.email_changed(user, old_address, old_confirmed=old_confirmed)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise taken from None
