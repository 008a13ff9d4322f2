"""The append-only audit log. Callers add the event to the same transaction as the change it records."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, Page, User

CLI_ACTOR = "operator (command line)"


def record(actor: User | None, action: str, target: User | Page | None, *, reason: str = "", ip: str = "",
           target_name: str | None = None) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None, actor_name=actor.username if actor else CLI_ACTOR,
        action=action, target_type=_target_type(target), target_id=getattr(target, "id", None),
        target_name=target_name or _target_name(target), reason=reason, ip=ip,
    )
    db.session.add(event)
    return event


def _target_type(target) -> str:
    return {User: "account", Page: "page"}.get(type(target), "service")


def _target_name(target) -> str:
    if isinstance(target, User):
        return target.username
    if isinstance(target, Page):
        return f"/{target.user.username}{target.permalink}"
    return ""


def events(*, actor: str = "", target: str = "", action: str = "", limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    if target:
        query = query.where(AuditEvent.target_name.contains(target))
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))
