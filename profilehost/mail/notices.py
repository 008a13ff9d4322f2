"""What the site tells people by email when moderation changes their account, their page or their report.

Each function only queues (the service that calls it commits the change and the message together). Account
notices go to a confirmed address only: an address typed at registration and never confirmed may be someone
else's. Messages a person needs to keep or recover the account (suspension, deletion, the appeal's answer) are
always sent; the others are optional and carry an unsubscribe link."""

from __future__ import annotations

from datetime import timedelta

from ..models import ACCOUNT_RESTORE_WINDOW, Appeal, AppealStatus, Page, Report, User
from .links import external_url
from .outbox import queue_mail, sent_recently

# What a security notice says happened to the password or to two-factor sign-in (the templates' wording keys).
PASSWORD_CHANGES = ("changed", "reset_by_link", "reset_by_operator")
TWO_FACTOR_CHANGES = ("enabled", "disabled", "reset")
# One mailbox gets at most one "someone tried to register with your address" in this time.
REGISTRATION_NOTICE_PAUSE = timedelta(minutes=10)


def _to_account(user: User, kind: str, *, optional: bool, **context) -> None:
    if user.email_verified_at is None:
        return
    _to_address(user.email, user, kind, optional=optional, **context)


def _to_address(recipient: str, user: User, kind: str, *, optional: bool, **context) -> None:
    queue_mail(kind, recipient, optional=optional, username=user.username, login_url=external_url("auth.login"),
               forgot_url=external_url("auth.forgot_password"), **context)


# Security notices: never optional, each says what to do if it was not the owner's doing.

def email_change_requested(user: User, new_address: str) -> None:
    """To the current (old) address, when a link to make `new_address` the account's is sent."""
    _to_account(user, "email_change_requested", optional=False, new_address=new_address)


def email_changed(user: User, old_address: str, *, old_confirmed: bool) -> None:
    """To the address the account had, once the new one (now user.email) replaced it."""
    if old_confirmed and old_address != user.email:
        _to_address(old_address, user, "email_changed", optional=False, old_address=old_address,
                    new_address=user.email)


def password_changed(user: User, how: str) -> None:
    assert how in PASSWORD_CHANGES, how
    _to_account(user, "password_changed", optional=False, how=how)


def two_factor_changed(user: User, what: str) -> None:
    """Two-factor sign-in turned on ("enabled") or off ("disabled") by the owner, or off by the operator's
    `flask user reset-2fa` ("reset"). Queued in the caller's transaction: call it before the commit."""
    assert what in TWO_FACTOR_CHANGES, what
    _to_account(user, "two_factor_changed", optional=False, what=what)


def registration_attempted(owner: User) -> None:
    """Someone registered with the address of `owner`'s account: its mailbox is told instead of the form (which
    must not say who has an account). Sent even to an unconfirmed address: the mailbox is the one the visitor
    typed, as a confirmation link would be."""
    if not sent_recently("registration_attempted", owner.email, REGISTRATION_NOTICE_PAUSE):
        _to_address(owner.email, owner, "registration_attempted", optional=False, address=owner.email)


def account_approved(user: User) -> None:
    _to_account(user, "account_approved", optional=True,
                profile_url=external_url("public.tenant_path", username=user.username))


def account_suspended(user: User, reason: str) -> None:
    _to_account(user, "account_suspended", optional=False, reason=reason)


def account_restored(user: User) -> None:
    _to_account(user, "account_restored", optional=True,
                profile_url=external_url("public.tenant_path", username=user.username))


def account_deleted(user: User, reason: str, *, by_owner: bool) -> None:
    _to_account(user, "account_deleted", optional=False, reason=reason, by_owner=by_owner,
                window_days=ACCOUNT_RESTORE_WINDOW.days)


def deletion_cancelled(user: User) -> None:
    _to_account(user, "deletion_cancelled", optional=False)


def page_unpublished(page: Page, reason: str) -> None:
    _to_account(page.user, "page_unpublished", optional=True, reason=reason, page_title=page.title,
                page_path=f"/{page.user.username}{page.permalink}",
                dashboard_url=external_url("dashboard.index"))


def appeal_decided(appeal: Appeal) -> None:
    _to_account(appeal.user, "appeal_decided", optional=False, accepted=appeal.status == AppealStatus.ACCEPTED,
                response=appeal.response)


def report_closed(report: Report) -> None:
    """The outcome to the reporter, when the report left an address."""
    if not report.contact_email:
        return
    queue_mail("report_closed", report.contact_email.lower(), optional=True, report_id=report.id,
               reported_url=report.url, outcome=report.outcome, resolved=report.status == "resolved")
