"""Visitor reports: filed without an account, worked through by admins, answered on a private status page."""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..extensions import db
from ..mail import notices
from ..models import Report, ReportStatus, User, utcnow
from . import audit
from .errors import FieldError

CATEGORIES = (
    ("spam", "Spam"),
    ("impersonation", "Impersonation"),
    ("harassment", "Harassment"),
    ("illegal", "Illegal content"),
    ("other", "Something else"),
)
CLOSED = (ReportStatus.RESOLVED, ReportStatus.DISMISSED)


class ReportError(FieldError):
    """A refused change; `field` names the form field the message belongs to."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reported_tenant(url: str) -> User | None:
    """The account a reported address belongs to; only plain site paths ('/alice/talks/') qualify, so a report
    can never plant a link to another host ('//evil.example/') in the admin screens."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or any(ord(c) < 33 for c in url):
        return None
    segment = url.split("?", 1)[0].strip("/").split("/", 1)[0]
    if not segment:
        return None
    return db.session.scalar(select(User).where(User.username == segment.lower()))


def file_report(url: str, category: str, message: str, contact_email: str) -> tuple[Report, str]:
    """Store a report; returns it with the reporter's private status token (only its hash is kept)."""
    tenant = reported_tenant(url)
    if tenant is None:
        raise ReportError("url", "This address is not a profile on this site. Copy the page's address again.")
    if category not in dict(CATEGORIES):
        raise ReportError("category", "Choose what the problem is.")
    email = ""
    if contact_email.strip():
        try:
            email = validate_email(contact_email.strip(), check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ReportError("contact_email", f"That email address is not valid: {error}") from None
    token = secrets.token_urlsafe(24)
    report = Report(tenant_id=tenant.id, url=url[:600], category=category, message=message.strip()[:5000],
                    contact_email=email, status_token_hash=token_hash(token))
    db.session.add(report)
    db.session.commit()
    return report, token


def report_for_token(token: str) -> Report | None:
    return db.session.scalar(select(Report).where(Report.status_token_hash == token_hash(token)))


def open_reports_by_tenant() -> OrderedDict[str, list[Report]]:
    """Open reports grouped by the reported account, the most reported first."""
    groups: dict[str, list[Report]] = {}
    for report in db.session.scalars(select(Report).where(Report.status == ReportStatus.OPEN)
                                     .order_by(Report.created_at)):
        groups.setdefault(report.tenant.username if report.tenant else "(removed account)", []).append(report)
    return OrderedDict(sorted(groups.items(), key=lambda item: -len(item[1])))


def closed_reports(limit: int = 100) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.status.in_(CLOSED))
                                   .order_by(Report.closed_at.desc()).limit(limit)))


def add_note(actor: User, report: Report, note: str, *, ip: str = "") -> None:
    note = note.strip()
    if not note:
        raise ReportError("notes", "Write a note first.")
    stamp = utcnow().strftime("%Y-%m-%d %H:%M")
    entry = f"[{stamp} {actor.username}] {note}"
    report.admin_notes = f"{report.admin_notes}\n{entry}" if report.admin_notes else entry
    audit.record(actor, "report.note", report.tenant, reason=note, ip=ip, target_name=f"report #{report.id}")
    db.session.commit()


def close_report(actor: User, report: Report, status: str, outcome: str, *, ip: str = "") -> None:
    if status not in CLOSED:
        raise ReportError("status", "A report is closed as resolved or dismissed.")
    if report.status != ReportStatus.OPEN:
        raise ReportError("status", f"Report #{report.id} is {report.status} already.")
    report.status = status
    report.outcome = outcome.strip() or ("We took action." if status == ReportStatus.RESOLVED
                                         else "We reviewed the page and found no breach of our rules.")
    report.closed_at = utcnow()
    audit.record(actor, f"report.{status}", report.tenant, reason=report.outcome, ip=ip,
                 target_name=f"report #{report.id}")
    notices.report_closed(report)
    db.session.commit()


def reopen_report(actor: User, report: Report, *, ip: str = "") -> None:
    report.status = ReportStatus.OPEN
    report.closed_at = None
    audit.record(actor, "report.reopen", report.tenant, ip=ip, target_name=f"report #{report.id}")
    db.session.commit()
