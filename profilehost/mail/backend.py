"""The mail "server" of a site without one: each message is logged and written as a file an operator can open
(instance/mail/<time>-<id>.eml, the whole message as a mail server would receive it)."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend

MAIL_FOLDER = "mail"
log = logging.getLogger("profilehost.mail")


def mail_folder() -> Path:
    return Path(current_app.instance_path) / MAIL_FOLDER


class EmailBackend(BaseEmailBackend):
    """Flask-Mailman finds a backend by this class name in the module PROFILEHOST_SMTP_URL being unset names."""

    def send_messages(self, email_messages) -> int:
        folder = mail_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            name = f"{stamp}-{message.extra_headers.get('X-Profilehost-Message', os.getpid())}.eml"
            (folder / name).write_bytes(message.message().as_bytes(linesep="\r\n"))
            log.info("mail to %s, %r, written to %s (no PROFILEHOST_SMTP_URL set)", ", ".join(message.to),
                     message.subject, folder / name)
        return len(email_messages)
