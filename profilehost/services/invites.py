"""Invite codes for the `invite` registration mode: a number of uses and an expiry."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, select, update

from ..extensions import db
from ..models import Invite, User, utcnow
from . import audit
from .errors import Refusal


class InviteError(Refusal):
    """A refused invite: its message says why (unknown, used up, expired)."""


def create_invite(actor: User | None, *, max_uses: int = 1, days: int = 14, note: str = "", ip: str = "") -> Invite:
    if not 1 <= max_uses <= 1000 or not 1 <= days <= 365:
        raise InviteError("An invite is used 1 to 1000 times and lasts 1 to 365 days.")
    invite = Invite(code=secrets.token_urlsafe(12), max_uses=max_uses, note=note.strip()[:200],
                    expires_at=utcnow() + timedelta(days=days), created_by_id=actor.id if actor else None)
    db.session.add(invite)
    audit.record(actor, "invite.create", None, reason=note, ip=ip, target_name=f"invite for {max_uses} use(s)")
    db.session.commit()
    return invite


def list_invites() -> list[Invite]:
    return list(db.session.scalars(select(Invite).order_by(Invite.created_at.desc())))


def consume_invite(code: str) -> None:
    """Count one use of the code, atomically, or raise InviteError saying why it cannot be used.

    The conditional UPDATE makes two simultaneous registrations unable to exceed max_uses."""
    invite = db.session.scalar(select(Invite).where(Invite.code == code.strip()))
    if invite is None:
        raise InviteError("This invite code is not valid. Check it for typos.")
    if invite.expires_at <= utcnow():
        raise InviteError("This invite code has expired. Ask for a new one.")
    counted = cast(CursorResult, db.session.execute(
        update(Invite).where(Invite.id == invite.id, Invite.uses < Invite.max_uses).values(uses=Invite.uses + 1)))
    used = counted.rowcount
    if not used:
        raise InviteError("This invite code has been used up. Ask for a new one.")


def revoke_invite(actor: User, invite: Invite, *, ip: str = "") -> None:
    invite.expires_at = utcnow()
    audit.record(actor, "invite.revoke", None, ip=ip, target_name=f"invite {invite.code[:4]}…")
    db.session.commit()
