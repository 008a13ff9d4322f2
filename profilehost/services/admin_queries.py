"""Read-only queries behind the admin screens."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import (
    AccountState,
    Appeal,
    AppealStatus,
    Asset,
    AuditEvent,
    Invite,
    Page,
    Report,
    ReportStatus,
    Revision,
    User,
)
from ..services.sites import find_tenant


def accounts_by_state() -> dict[str, int]:
    counts = dict(db.session.execute(select(User.state, func.count(User.id)).group_by(User.state)).all())
    return {state: counts.get(state, 0) for state in
            (AccountState.PENDING, AccountState.ACTIVE, AccountState.SUSPENDED, AccountState.DELETED)}


def open_report_count() -> int:
    return db.session.execute(select(func.count(Report.id)).where(Report.status == ReportStatus.OPEN)).scalar_one()


def open_appeals() -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(Appeal.status == AppealStatus.OPEN)
                                   .order_by(Appeal.created_at)))


def search_accounts(text: str, *, state: str = "", role: str = "", since: date | None = None) -> list[User]:
    query = select(User).order_by(User.created_at.desc()).limit(500)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(User.username.like(pattern), func.lower(User.email).like(pattern)))
    if state:
        query = query.where(User.state == state)
    if role:
        query = query.where(User.role == role)
    if since:
        query = query.where(User.created_at >= datetime.combine(since, time.min))
    return list(db.session.scalars(query))


def accounts_named(usernames: list[str]) -> list[User]:
    return list(db.session.scalars(select(User).where(User.username.in_(usernames)))) if usernames else []


def account(username: str) -> User | None:
    return find_tenant(username)


def account_detail(user: User) -> dict:
    page_list = list(db.session.scalars(select(Page).where(Page.user_id == user.id).order_by(Page.permalink)))
    return {
        "pages": page_list,
        "assets": list(db.session.scalars(select(Asset).where(Asset.user_id == user.id).order_by(Asset.name))),
        "revisions": db.session.scalar(select(func.count(Revision.id)).join(Page).where(Page.user_id == user.id)),
        "reports": reports_about(user),
        "appeals": list(db.session.scalars(select(Appeal).where(Appeal.user_id == user.id)
                                           .order_by(Appeal.created_at.desc()))),
        "events": list(db.session.scalars(select(AuditEvent).where(
            or_(AuditEvent.target_id == user.id, AuditEvent.actor_id == user.id),
            AuditEvent.target_type.in_(("account", "service"))).order_by(AuditEvent.created_at.desc()).limit(50))),
    }


def reports_about(user: User) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.tenant_id == user.id)
                                   .order_by(Report.created_at.desc())))


def report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def reported_page(shown: Report) -> Page | None:
    if shown.tenant is None:
        return None
    rest = shown.url.split("?", 1)[0][len(shown.tenant.username) + 1:] or "/"
    candidates = {rest, rest if rest.endswith("/") else rest + "/"}
    return db.session.scalar(select(Page).where(Page.user_id == shown.tenant_id, Page.permalink.in_(candidates)))


def appeal(appeal_id: int) -> Appeal | None:
    return db.session.get(Appeal, appeal_id)


def invite(invite_id: int) -> Invite | None:
    return db.session.get(Invite, invite_id)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
