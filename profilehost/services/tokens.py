"""Personal API tokens: shown once, stored as a hash, revocable at once."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import AccountState, ApiToken, User, utcnow
from .accounts import confirm_password
from .errors import FieldError

PREFIX = "ph_"


class TokenError(FieldError):
    """A refused token; `field` names the form field the message belongs to."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token_with_password(user: User, name: str, password: str) -> tuple[ApiToken, str]:
    """The dashboard's way to make a token: the owner's password first, so that a session left open or stolen
    cannot mint a credential of its own. Raises FieldError."""
    confirm_password(user, password)
    return create_token(user, name)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once), with no password asked: the dashboard goes through
    create_token_with_password."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise TokenError("name", "Give the token a name, like 'GitHub Actions', so you know what to revoke later.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret))
    db.session.add(token)
    db.session.commit()
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc())))


def owned_token(user: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.id == token_id))


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or utcnow()
    db.session.commit()


def user_for_token(secret: str) -> User | None:
    """The active owner of a live token, or None. Revocation takes effect on the very next request."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret),
                                                     ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    owner = db.session.get(User, token.user_id)
    if owner is None or owner.state not in (AccountState.ACTIVE, AccountState.PENDING):
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return owner
