"""Sending a queued message as a job: tried again with growing pauses while the mail server refuses or is down,
so a request never waits for it. The message itself stays in the outbox (profilehost.mail) until it is sent."""

from __future__ import annotations

from flask import Flask, current_app
from huey import Huey

from .queue import job_queue

# 30 s, 1, 2, 4 ... 64 min: about two hours in all; after that `flask mail send-pending` sends what is left.
RETRIES = 8
FIRST_RETRY_SECONDS = 30


def register_mail_task(app: Flask, queue: Huey) -> None:
    from ..mail.delivery import deliver

    # MAIL_RETRY_SECONDS: the first pause, for the test suite, which cannot wait half a minute.
    first_retry = app.config.get("MAIL_RETRY_SECONDS", FIRST_RETRY_SECONDS)

    @queue.task(name="send_mail", retries=RETRIES, retry_delay=first_retry, retry_backoff=2)
    def send_mail_task(message_id: int) -> None:
        with app.app_context():
            deliver(message_id)

    app.extensions["profilehost.jobs.send_mail"] = send_mail_task


def enqueue_mail(message_id: int) -> None:
    job_queue()
    current_app.extensions["profilehost.jobs.send_mail"](message_id)
