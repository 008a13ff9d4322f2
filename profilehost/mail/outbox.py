"""Queueing a message: rendered now (text and HTML from templates/mail/), stored in the caller's transaction, and
handed to the job queue only once that transaction has committed."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import User, utcnow
from . import SERVICE_NAME
from .links import external_url
from .models import MailSuppression, OutboxMessage
from .tokens import unsubscribe_token

QUEUED = "profilehost.mail.queued"
log = logging.getLogger("profilehost.mail")


def queue_mail(kind: str, recipient: str, *, optional: bool = False, **context) -> OutboxMessage | None:
    """Add the message to the session (the caller commits). An optional message (a notice the recipient may do
    without) carries a signed unsubscribe link, and is not queued at all for an address that asked for none."""
    if optional and not wants_optional_mail(recipient):
        return None
    headers = {}
    if optional:
        unsubscribe_url = external_url("auth.unsubscribe", token=unsubscribe_token(recipient))
        context["unsubscribe_url"] = unsubscribe_url
        # RFC 8058: mail clients show their own "Unsubscribe" button, which posts to the link.
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    subject, text, html = render_message(kind, **context)
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, text_body=text, html_body=html,
                            headers=headers)
    db.session.add(message)
    return message


def render_message(kind: str, **context) -> tuple[str, str, str]:
    """The subject (the `subject` the text template sets), the text and the HTML of a message."""
    env = current_app.jinja_env
    context = {"service_name": SERVICE_NAME, "home_url": external_url("public.home"), **context}
    text_template = env.get_template(f"mail/{kind}.txt").make_module(context)
    subject = " ".join(str(text_template.subject).split())
    html = env.get_template(f"mail/{kind}.html").render(subject=subject, **context)
    return subject, str(text_template).strip() + "\n", html


def sent_recently(kind: str, address: str, pause: timedelta) -> bool:
    """Whether a message of this kind went to the address less than `pause` ago: one mailbox is not flooded by
    a form sent for it again and again."""
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == kind, OutboxMessage.recipient == address,
        OutboxMessage.created_at > utcnow() - pause).limit(1)) is not None


def wants_optional_mail(address: str) -> bool:
    account = db.session.scalar(select(User).where(User.email == address))
    if account is not None:
        return account.mail_notices
    return db.session.scalar(select(MailSuppression.id).where(MailSuppression.address == address)) is None


def pending_message_ids() -> list[int]:
    return list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))
                                   .order_by(OutboxMessage.id)))


@event.listens_for(Session, "after_flush")
def _remember_queued(session: Session, _context) -> None:
    queued = [instance.id for instance in session.new if isinstance(instance, OutboxMessage)]
    if queued:
        session.info.setdefault(QUEUED, []).extend(queued)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for message_id in session.info.pop(QUEUED, ()):
        _hand_to_queue(message_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(QUEUED, None)


def _hand_to_queue(message_id: int) -> None:
    from ..jobs.mail import enqueue_mail

    try:
        enqueue_mail(message_id)
    except Exception:  # noqa: BLE001 - the change is committed: the message waits for `flask mail send-pending`
        log.exception("mail %s is stored but could not be queued; `flask mail send-pending` sends it", message_id)
