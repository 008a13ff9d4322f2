"""The signed links of messages: they need no table, and nobody without the app's secret key can make one.

Each kind has its own salt, so a link of one kind is never accepted as another."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

CONFIRM_EMAIL_AGE = timedelta(days=3)
PASSWORD_RESET_AGE = timedelta(hours=1)
_CONFIRM_SALT = "profilehost.confirm-email"
_RESET_SALT = "profilehost.password-reset"
_UNSUBSCRIBE_SALT = "profilehost.unsubscribe"


class LinkExpired(Exception):
    """The link is genuine but older than it may be."""


class LinkInvalid(Exception):
    """The link was not made by this site, or was cut short when copied."""


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _load_timed(salt: str, token: str, age: timedelta) -> dict:
    try:
        payload = _timed(salt).loads(token, max_age=int(age.total_seconds()))
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(payload, dict):
        raise LinkInvalid
    return payload


def confirm_email_token(username: str, address: str) -> str:
    # The name, not the row id: a registration makes its link before its row is written, so the transaction that
    # writes both holds the database's write lock only for the writing.
    return _timed(_CONFIRM_SALT).dumps({"n": username, "e": address})


def read_confirm_email_token(token: str) -> tuple[str, str]:
    payload = _load_timed(_CONFIRM_SALT, token, CONFIRM_EMAIL_AGE)
    return payload.get("n"), payload.get("e")


def account_fingerprint(password_hash: str, email: str) -> str:
    """Bound into a reset link: once the password or the address changes (by this link or any other way) the link
    is void, so a link mailed to an address the account no longer has cannot take the account back."""
    return hashlib.sha256(f"{password_hash}\0{email}".encode()).hexdigest()[:16]


def password_reset_token(user_id: int, password_hash: str, email: str) -> str:
    return _timed(_RESET_SALT).dumps({"u": user_id, "p": account_fingerprint(password_hash, email)})


def read_password_reset_token(token: str) -> tuple[int, str]:
    payload = _load_timed(_RESET_SALT, token, PASSWORD_RESET_AGE)
    return payload.get("u"), payload.get("p")


def unsubscribe_token(address: str) -> str:
    # No expiry: a link in a message kept for years must still stop the mail.
    return URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT).dumps(address)


def read_unsubscribe_token(token: str) -> str:
    try:
        address = URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(address, str):
        raise LinkInvalid
    return address
