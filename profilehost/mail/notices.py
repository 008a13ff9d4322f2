"""What the site tells people by email when moderation changes their account, their page or their report.

Each function only queues (the service that calls it commits the change and the message together). Account
notices go to a confirmed address only: an address typed at registration and never confirmed may be someone
else's. Messages a person needs to keep or recover the account (suspension, deletion, the appeal's answer) are
always sent; the others are optional and carry an unsubscribe link."""

from __future__ import annotations

from ..models import Appeal, Page, Report, User
from .links import external_url
from .outbox import queue_mail

DELETION_WINDOW_DAYS = 30


def _to_account(user: User, kind: str, *, optional: bool, **context) -> None:
    if user.email_verified_at is None:
        return
    queue_mail(kind, user.email, optional=optional, username=user.username, login_url=external_url("auth.login"),
               **context)


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
                window_days=DELETION_WINDOW_DAYS)


def deletion_cancelled(user: User) -> None:
    _to_account(user, "deletion_cancelled", optional=False)


def page_unpublished(page: Page, reason: str) -> None:
    _to_account(page.user, "page_unpublished", optional=True, reason=reason, page_title=page.title,
                page_path=f"/{page.user.username}{page.permalink}",
                dashboard_url=external_url("dashboard.index"))


def appeal_decided(appeal: Appeal) -> None:
    _to_account(appeal.user, "appeal_decided", optional=False, accepted=appeal.status == "accepted",
                response=appeal.response)


def report_closed(report: Report) -> None:
    """The outcome to the reporter, when the report left an address."""
    if not report.contact_email:
        return
    queue_mail("report_closed", report.contact_email.lower(), optional=True, report_id=report.id,
               reported_url=report.url, outcome=report.outcome, resolved=report.status == "resolved")
