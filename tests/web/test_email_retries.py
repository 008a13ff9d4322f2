"""The job queue's worker keeps trying a message while the mail server is down, and delivers it once the server is
back: no message is lost, and the request that caused it never waited."""

from __future__ import annotations

import time

from sqlalchemy import select

from profilehost.extensions import db
from profilehost.jobs.queue import job_queue
from profilehost.mail.models import OutboxMessage
from support import PASSWORD, SmtpSink, post_form

# Mailed links start with the configured address (PROFILEHOST_BASE_URL), never with the request's host.
SITE_URL = "https://profiles.example.org"


def wait_for(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def outbox() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage))


def test_the_worker_retries_until_the_mail_server_is_back(make_app, app, tmp_path):
    sink = SmtpSink()  # not started: nothing listens on its port yet
    server = make_app(JOBS_IMMEDIATE=False, REDIS_URL=None, INSTANCE_PATH=str(tmp_path), MAIL_RETRY_SECONDS=1,
                      **sink.app_settings(), BASE_URL=SITE_URL)
    client = server.test_client()
    answer = post_form(client, "/register", {"username": "carol", "email": "carol@example.org",
                                             "password": PASSWORD, "confirm": PASSWORD})
    assert answer.status_code == 302
    assert outbox().attempts == 0  # queued, not sent inside the request

    consumer = job_queue(server).create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        wait_for(lambda: outbox().attempts >= 1, "the first attempt")
        assert outbox().sent_at is None and "Connection refused" in outbox().last_error
        sink.controller.start()
        try:
            wait_for(lambda: sink.to("carol@example.org"), "the message to arrive")
        finally:
            sink.controller.stop()
    finally:
        consumer.stop(graceful=True)

    assert outbox().sent_at is not None and outbox().attempts >= 2
    assert len(sink.to("carol@example.org")) == 1
