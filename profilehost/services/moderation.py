"""The account lifecycle and moderation: account states and roles, page takedowns, appeals. Every change writes an
audit event in the same transaction, and the web, the CLI and the owner's own screens call these same functions.

Every account action takes (actor, target, reason, *, ip): the actor is None for the operator's command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from ..extensions import db
from ..mail import notices
from ..models import (
    ACCOUNT_RESTORE_WINDOW,
    AccountState,
    Appeal,
    AppealStatus,
    Asset,
    AuditEvent,
    Page,
    Role,
    User,
    utcnow,
)
from . import audit
from .accounts import OWNER_DELETION, confirm_password, end_sessions_and_tokens
from .errors import Refusal


class ModerationError(Refusal):
    """A moderation action that does not apply (the last active admin, an account in the wrong state...)."""


def _require_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(f"Give a reason to {action}: it is shown to the account owner and kept in the log.")
    return reason


def _change_state(actor, user: User, state: AccountState, action: str, reason: str, ip: str) -> None:
    user.state = state
    audit.record(actor, action, user, reason=reason, ip=ip)


def refuse_losing_the_last_active_admin(user: User) -> None:
    """THE rule for every change that takes an admin away (suspend, delete, demote, the owner's own deletion, bulk
    actions): one admin who can log in and act must remain. Suspended or deleted admins do not count; an admin who
    is not active can always be changed."""
    if not (user.is_admin and user.state == AccountState.ACTIVE):
        return
    # The active admins' rows stay locked until the change commits: two admins removing each other at the same
    # moment would otherwise both count the other and leave none (PostgreSQL; SQLite has one writer at a time).
    active = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.state == AccountState.ACTIVE)
                                .with_for_update()).all()
    others = [admin_id for admin_id in active if admin_id != user.id]
    if user.id in active and not others:
        raise ModerationError(f"{user.username} is the last active admin: promote another account (or restore a "
                              "suspended admin) first.")


def approve_account(actor: User | None, user: User, reason: str = "", *, ip: str = "") -> None:
    if user.state != AccountState.PENDING:
        raise ModerationError(f"{user.username} is {user.state}, not waiting for approval.")
    _approve(actor, user, reason, ip)
    db.session.commit()


def _approve(actor, user: User, reason: str, ip: str) -> None:
    _change_state(actor, user, AccountState.ACTIVE, "account.approve", reason, ip)
    notices.account_approved(user)


def suspend_account(actor: User | None, user: User, reason: str, *, ip: str = "") -> None:
    reason = _require_reason(reason, "suspend an account")
    _refuse_suspending(actor, user)
    _suspend(actor, user, reason, ip)
    db.session.commit()


def _refuse_suspending(actor: User | None, user: User) -> None:
    if user.state not in (AccountState.ACTIVE, AccountState.PENDING):
        raise ModerationError(f"{user.username} is {user.state}; only active or pending accounts can be suspended.")
    if actor is not None and actor.id == user.id:
        raise ModerationError("You cannot suspend yourself.")
    refuse_losing_the_last_active_admin(user)


def _suspend(actor, user: User, reason: str, ip: str) -> None:
    user.state_reason = reason
    end_sessions_and_tokens(user)
    _change_state(actor, user, AccountState.SUSPENDED, "account.suspend", reason, ip)
    notices.account_suspended(user, reason)


def restore_account(actor: User | None, user: User, reason: str = "", *, ip: str = "") -> None:
    """Undo a suspension or a deletion (within ACCOUNT_RESTORE_WINDOW): pages, files and profile were never touched."""
    if user.state not in (AccountState.SUSPENDED, AccountState.DELETED):
        raise ModerationError(f"{user.username} is {user.state}: there is nothing to restore.")
    if user.state == AccountState.DELETED and user.deleted_at and user.deleted_at <= utcnow() - ACCOUNT_RESTORE_WINDOW:
        raise ModerationError(f"{user.username} was deleted more than {ACCOUNT_RESTORE_WINDOW.days} days ago and "
                              "cannot be restored.")
    user.state_reason = None
    user.deleted_at = None
    _change_state(actor, user, AccountState.ACTIVE, "account.restore", reason, ip)
    notices.account_restored(user)
    db.session.commit()


def delete_account(actor: User | None, user: User, reason: str, *, ip: str = "") -> None:
    reason = _require_reason(reason, "delete an account")
    _refuse_deleting(user)
    _delete(actor, user, reason, ip)
    db.session.commit()


def _refuse_deleting(user: User) -> None:
    if user.state == AccountState.DELETED:
        raise ModerationError(f"{user.username} is deleted already.")
    refuse_losing_the_last_active_admin(user)


def _delete(actor, user: User, reason: str, ip: str) -> None:
    user.state_reason = reason
    user.deleted_at = utcnow()
    end_sessions_and_tokens(user)
    _change_state(actor, user, AccountState.DELETED, "account.delete", reason, ip)
    notices.account_deleted(user, reason, by_owner=actor is user)


def delete_own_account(user: User, password: str, *, ip: str = "") -> None:
    """The owner's own deletion: the site goes offline now; logging in within ACCOUNT_RESTORE_WINDOW cancels it."""
    confirm_password(user, password, note="Your account was not deleted.")
    refuse_losing_the_last_active_admin(user)
    _delete(user, user, OWNER_DELETION, ip)
    db.session.commit()


def cancel_own_deletion(user: User, *, ip: str = "") -> None:
    user.state_reason = None
    user.deleted_at = None
    _change_state(user, user, AccountState.ACTIVE, "account.cancel_deletion", "", ip)
    notices.deletion_cancelled(user)
    db.session.commit()


def promote(actor: User | None, user: User, reason: str = "", *, ip: str = "") -> None:
    if user.is_admin:
        raise ModerationError(f"{user.username} is an admin already.")
    user.role = Role.ADMIN
    audit.record(actor, "account.promote", user, reason=reason, ip=ip)
    db.session.commit()


def demote(actor: User | None, user: User, reason: str = "", *, ip: str = "") -> None:
    if not user.is_admin:
        raise ModerationError(f"{user.username} is not an admin.")
    refuse_losing_the_last_active_admin(user)
    user.role = Role.USER
    audit.record(actor, "account.demote", user, reason=reason, ip=ip)
    db.session.commit()


@dataclass
class BulkOutcome:
    done: list[str]
    skipped: list[str]


def _refuse_approving(user: User) -> None:
    if user.state != AccountState.PENDING:
        raise ModerationError(f"{user.username} is {user.state}, not waiting for approval.")


# Each bulk action: the check of the single action (refusing what it does not apply to), and its change.
BULK_ACTIONS = {
    "approve": (lambda actor, user: _refuse_approving(user), _approve),
    "suspend": (_refuse_suspending, _suspend),
    "delete": (lambda actor, user: _refuse_deleting(user), _delete),
}


def bulk_action(actor: User | None, users: list[User], action: str, reason: str, *, ip: str = "") -> BulkOutcome:
    """Apply one action with one reason to many accounts; accounts it does not apply to are skipped, named, by the
    same rules as the single action (the actor's own account is always skipped)."""
    if action not in BULK_ACTIONS:
        raise ModerationError(f"Unknown action {action!r}.")
    if action != "approve":
        reason = _require_reason(reason, f"{action} accounts")
    refuse, change = BULK_ACTIONS[action]
    outcome = BulkOutcome([], [])
    for user in users:
        try:
            if actor is not None and user.id == actor.id:
                raise ModerationError("Your own account is changed one at a time.")
            refuse(actor, user)
        except ModerationError:
            outcome.skipped.append(user.username)
            continue
        change(actor, user, reason, ip)
        outcome.done.append(user.username)
    db.session.commit()
    return outcome


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
    return db.session.scalar(select(Appeal).where(Appeal.user_id == user.id, Appeal.status == AppealStatus.OPEN))


def _appealed_since_suspension(user: User) -> bool:
    suspended_at = db.session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.target_id == user.id, AuditEvent.action == "account.suspend"))
    if suspended_at is None:
        return False
    return db.session.scalar(select(Appeal.id).where(Appeal.user_id == user.id,
                                                     Appeal.created_at >= suspended_at).limit(1)) is not None


def decide_appeal(actor: User, appeal: Appeal, accept: bool, response: str, *, ip: str = "") -> None:
    if appeal.status != AppealStatus.OPEN:
        raise ModerationError("This appeal has been decided already.")
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
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
    """Remove for good the accounts deleted more than ACCOUNT_RESTORE_WINDOW ago, with everything they owned."""
    cutoff = (now or utcnow()) - ACCOUNT_RESTORE_WINDOW
    doomed = list(db.session.scalars(select(User).where(
        User.state == AccountState.DELETED, User.deleted_at.is_not(None), User.deleted_at <= cutoff)))
    summary = PurgeSummary([], 0, 0)
    for user in doomed:
        summary.pages += db.session.execute(select(func.count(Page.id)).where(Page.user_id == user.id)).scalar_one()
        summary.assets += db.session.execute(
            select(func.count(Asset.id)).where(Asset.user_id == user.id)).scalar_one()
        summary.accounts.append(user.username)
        audit.record(None, "account.purge", user, reason=f"deleted more than {ACCOUNT_RESTORE_WINDOW.days} days ago")
        db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    return summary
