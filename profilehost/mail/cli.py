"""`flask mail send-pending`: send what the outbox still holds (after the queue was unreachable, or its retries
ran out while the mail server was down)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .delivery import MailNotSent, deliver
from .outbox import pending_message_ids

mail_cli = AppGroup("mail", help="Outgoing email.")


@mail_cli.command("send-pending")
def send_pending() -> None:
    """Send every message not sent yet, now, from this process."""
    sent = failed = 0
    for message_id in pending_message_ids():
        try:
            sent += deliver(message_id)
        except MailNotSent as error:
            failed += 1
            click.echo(f"message {message_id}: {error}", err=True)
    click.echo(f"{sent} message(s) sent, {failed} not sent (still in the outbox).")
    if failed:
        raise SystemExit(1)
