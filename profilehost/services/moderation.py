"""Moderation: account states, page takedowns, appeals, roles. Every action writes an audit event in the same
transaction as the change, and the web and the CLI call these same functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..mail import notices
from ..models import AccountState, Appeal, Asset, AuditEvent, Page, Role, User, utcnow
from . import audit
from .accounts import end_sessions_and_tokens

RESTORE_WINDOW = timedelta(days=30)


class ModerationError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(f"Give a reason to {action}: it is shown to the account owner and kept in the log.")
    return reason


def _change_state(actor, user: User, state: str, action: str, reason: str, ip: str) -> None:
    user.state = state
    audit.record(actor, action, user, reason=reason, ip=ip)


def approve_account(actor: User | None, user: User, *, ip: str = "") -> None:
    if user.state != AccountState.PENDING:
        raise ModerationError(f"{user.username} is {user.state}, not waiting for approval.")
    _approve(actor, user, "", ip)
    db.session.commit()


def _approve(actor, user: User, reason: str, ip: str) -> None:
    _change_state(actor, user, AccountState.ACTIVE, "account.approve", reason, ip)
    notices.account_approved(user)


def suspend_account(actor: User | None, user: User, reason: str, *, ip: str = "") -> None:
    reason = _require_reason(reason, "suspend an account")
    if user.state not in (AccountState.ACTIVE, AccountState.PENDING):
        raise ModerationError(f"{user.username} is {user.state}; only active or pending accounts can be suspended.")
    if actor is not None and actor.id == user.id:
        raise ModerationError("You cannot suspend yourself.")
    if user.is_admin and _active_admin_count() <= 1:
        raise ModerationError(f"{user.username} is the last active admin: promote another account first.")
    _suspend(actor, user, reason, ip)
    db.session.commit()


def _suspend(actor, user: User, reason: str, ip: str) -> None:
    user.state_reason = reason
    end_sessions_and_tokens(user)
    _change_state(actor, user, AccountState.SUSPENDED, "account.suspend", reason, ip)
    notices.account_suspended(user, reason)


def restore_account(actor: User | None, user: User, *, reason: str = "", ip: str = "") -> None:
    """Undo a suspension or a deletion (within the window): pages, files and profile were never touched."""
    if user.state not in (AccountState.SUSPENDED, AccountState.DELETED):
        raise ModerationError(f"{user.username} is {user.state}: there is nothing to restore.")
    if user.state == AccountState.DELETED and user.deleted_at and user.deleted_at <= utcnow() - RESTORE_WINDOW:
        raise ModerationError(f"{user.username} was deleted more than 30 days ago and cannot be restored.")
    user.state_reason = None
    user.deleted_at = None
    _change_state(actor, user, AccountState.ACTIVE, "account.restore", reason, ip)
    notices.account_restored(user)
    db.session.commit()


def delete_account(actor: User | None, user: User, reason: str, *, ip: str = "") -> None:
    reason = _require_reason(reason, "delete an account")
    _guard_last_admin(user)
    _delete(actor, user, reason, ip)
    db.session.commit()


def _delete(actor, user: User, reason: str, ip: str) -> None:
    user.state_reason = reason
    user.deleted_at = utcnow()
    end_sessions_and_tokens(user)
    _change_state(actor, user, AccountState.DELETED, "account.delete", reason, ip)
    notices.account_deleted(user, reason, by_owner=False)


def cancel_own_deletion(user: User, *, ip: str = "") -> None:
    user.state = AccountState.ACTIVE
    user.state_reason = None
    user.deleted_at = None
    audit.record(user, "account.cancel_deletion", user, ip=ip)
    notices.deletion_cancelled(user)
    db.session.commit()


@dataclass
class BulkOutcome:
    done: list[str]
    skipped: list[str]


BULK_ACTIONS = {"approve", "suspend", "delete"}


def bulk_action(actor: User, users: list[User], action: str, reason: str, *, ip: str = "") -> BulkOutcome:
    """Apply one action with one reason to many accounts; accounts it does not apply to are skipped, named."""
    if action not in BULK_ACTIONS:
        raise ModerationError(f"Unknown action {action!r}.")
    if action != "approve":
        reason = _require_reason(reason, f"{action} accounts")
    outcome = BulkOutcome([], [])
    for user in users:
        if not _bulk_applies(actor, user, action):
            outcome.skipped.append(user.username)
            continue
        if action == "approve":
            _approve(actor, user, reason, ip)
        elif action == "suspend":
            _suspend(actor, user, reason, ip)
        else:
            _delete(actor, user, reason, ip)
        outcome.done.append(user.username)
    db.session.commit()
    return outcome


def _bulk_applies(actor: User, user: User, action: str) -> bool:
    if user.id == actor.id or user.is_admin:
        return False
    return {"approve": user.state == AccountState.PENDING,
            "suspend": user.state in (AccountState.ACTIVE, AccountState.PENDING),
            "delete": user.state != AccountState.DELETED}[action]


def unpublish_page(actor: User | None, page: Page, reason: str, *, ip: str = "") -> None:
    reason = _require_reason(reason, "unpublish a page")
    page.moderation_reason = reason
    audit.record(actor, "page.unpublish", page, reason=reason, ip=ip)
    notices.page_unpublished(page, reason)
    db.session.commit()


def republish_page(actor: User | None, page: Page, reason: str = "", *, ip: str = "") -> None:
    if page.moderation_reason is None:
        raise ModerationError("This page was not unpublished by a moderator.")
    page.moderation_reason = None
    audit.record(actor, "page.republish", page, reason=reason, ip=ip)
    db.session.commit()


def _admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.state != AccountState.DELETED))


def _active_admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.state == AccountState.ACTIVE))


def _guard_last_admin(user: User) -> None:
    if user.is_admin and _admin_count() <= 1:
        raise ModerationError(f"{user.username} is the last admin: promote another account first.")


def promote(actor: User | None, user: User, *, ip: str = "") -> None:
    if user.is_admin:
        raise ModerationError(f"{user.username} is an admin already.")
    user.role = Role.ADMIN
    audit.record(actor, "account.promote", user, ip=ip)
    db.session.commit()


def demote(actor: User | None, user: User, *, ip: str = "") -> None:
    if not user.is_admin:
        raise ModerationError(f"{user.username} is not an admin.")
    _guard_last_admin(user)
    user.role = Role.USER
    audit.record(actor, "account.demote", user, ip=ip)
    db.session.commit()


def submit_appeal(user: User, message: str) -> Appeal:
    message = (message or "").strip()
    if user.state != AccountState.SUSPENDED:
        raise ModerationError("Only a suspended account can appeal.")
    if not message:
        raise ModerationError("Write why the suspension should be lifted.")
    if open_appeal(user) is not None or _appealed_since_suspension(user):
        raise ModerationError("You have already sent your appeal; an admin will answer it.")
    appeal = Appeal(user_id=user.id, message=message[:5000])
    db.session.add(appeal)
    audit.record(user, "appeal.submit", user)
    db.session.commit()
    return appeal


def open_appeal(user: User) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.user_id == user.id, Appeal.status == "open"))


def _appealed_since_suspension(user: User) -> bool:
    suspended_at = db.session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.target_id == user.id, AuditEvent.action == "account.suspend"))
    if suspended_at is None:
        return False
    return db.session.scalar(select(Appeal.id).where(Appeal.user_id == user.id,
                                                     Appeal.created_at >= suspended_at).limit(1)) is not None


def decide_appeal(actor: User, appeal: Appeal, accept: bool, response: str, *, ip: str = "") -> None:
    if appeal.status != "open":
        raise ModerationError("This appeal has been decided already.")
    appeal.status = "accepted" if accept else "rejected"
    appeal.response = (response or "").strip()
    appeal.decided_at = utcnow()
    audit.record(actor, f"appeal.{appeal.status}", appeal.user, reason=appeal.response, ip=ip)
    if accept and appeal.user.state == AccountState.SUSPENDED:
        appeal.user.state_reason = None
        _change_state(actor, appeal.user, AccountState.ACTIVE, "account.restore", "appeal accepted", ip)
    notices.appeal_decided(appeal)
    db.session.commit()


@dataclass
class PurgeSummary:
    accounts: list[str]
    pages: int
    assets: int


def purge(now: datetime | None = None) -> PurgeSummary:
    """Remove for good the accounts deleted more than RESTORE_WINDOW ago, with everything they owned."""
    cutoff = (now or utcnow()) - RESTORE_WINDOW
    doomed = list(db.session.scalars(select(User).where(
        User.state == AccountState.DELETED, User.deleted_at.is_not(None), User.deleted_at <= cutoff)))
    summary = PurgeSummary([], 0, 0)
    for user in doomed:
        summary.pages += db.session.scalar(select(func.count(Page.id)).where(Page.user_id == user.id))
        summary.assets += db.session.scalar(select(func.count(Asset.id)).where(Asset.user_id == user.id))
        summary.accounts.append(user.username)
        audit.record(None, "account.purge", user, reason="deleted more than 30 days ago")
        db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    return summary
