"""Sending one stored message: what the job queue's task runs, and `flask mail send-pending`."""

from __future__ import annotations

import logging

from flask_mailman import EmailMultiAlternatives

from ..extensions import db
from ..models import utcnow
from .models import OutboxMessage

log = logging.getLogger("profilehost.mail")


class MailNotSent(Exception):
    """The mail server refused or did not answer; the message stays in the outbox to be tried again."""


def deliver(message_id: int) -> bool:
    """Send the message unless it is gone or sent already; True if it was sent now. Raises MailNotSent."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        return False
    email = EmailMultiAlternatives(message.subject, message.text_body, to=[message.recipient],
                                   headers={**message.headers, "X-Profilehost-Message": str(message.id)})
    email.attach_alternative(message.html_body, "text/html")
    message.attempts += 1
    try:
        email.send()
    except Exception as error:  # noqa: BLE001 - whatever the server or the network did, the message waits
        message.last_error = f"{type(error).__name__}: {error}"[:1000]
        db.session.commit()
        log.warning("mail %s to %s not sent (attempt %s): %s", message.id, message.recipient, message.attempts,
                    message.last_error)
        raise MailNotSent(message.last_error) from error
    message.sent_at, message.last_error = utcnow(), None
    message.text_body = message.html_body = ""
    db.session.commit()
    return True
