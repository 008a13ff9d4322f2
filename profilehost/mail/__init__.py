"""Outgoing email. A service queues a message (`outbox.queue_mail`) in the transaction of the change it tells of;
after the commit the job queue sends it (`delivery.deliver`), through the SMTP server of PROFILEHOST_SMTP_URL or,
without one, into the log and the instance folder (`backend.EmailBackend`)."""

from __future__ import annotations

from flask import Flask
from flask_mailman import Mail

SERVICE_NAME = "profilehost"


def init_mail(app: Flask) -> None:
    from . import models, outbox  # noqa: F401  (the outbox tables and its after-commit hook)
    from .cli import mail_cli
    from .links import base_url

    # At start, so a site that would mail links to nowhere (or to a forged host) says so before it serves anyone.
    app.config["MAIL_BASE_URL"] = base_url(app.config)
    Mail().init_app(app)
    app.config.setdefault("EMAIL_VERIFICATION", True)
    app.cli.add_command(mail_cli)
