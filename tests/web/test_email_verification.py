"""Email confirmation over real HTTP and a real SMTP server: an account is public once its owner follows the
mailed link, a changed address replaces the old one only when confirmed, and every used or broken link answers a
page that says what to do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.mail.models import OutboxMessage
from profilehost.models import User
from support import PASSWORD, SmtpSink, link_in, log_in, mail_html, mail_text, post_form

# Mailed links start with the configured address (PROFILEHOST_BASE_URL), never with the request's host.
SITE_URL = "https://profiles.example.org"


@pytest.fixture
def smtp():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(**smtp.app_settings(), BASE_URL=SITE_URL)


@pytest.fixture
def browser(mail_app, app):
    return mail_app.test_client()


def register(client, username="carol", email="carol@example.org"):
    return post_form(client, "/register", {"username": username, "email": email, "password": PASSWORD,
                                           "confirm": PASSWORD})


def test_registration_mails_a_link_and_the_site_is_public_only_after_it(browser, smtp):
    assert register(browser).status_code == 302
    publish(db.session.scalar(select(User).where(User.username == "carol")), page_source("Home", "/"))
    message = smtp.last_to("carol@example.org")
    assert message["Subject"] == "Confirm your email address for profilehost"
    assert "nothing of your account is public" in mail_text(message)
    assert "Confirm my address" in mail_html(message)
    assert browser.get("/carol/").status_code == 404
    assert "Confirm your email address" in browser.get("/dashboard/account").get_data(as_text=True)

    answer = browser.get(link_in(message, "/email/confirm/"))

    assert answer.status_code == 200 and "Address confirmed" in answer.get_data(as_text=True)
    assert browser.get("/carol/").status_code == 200


def test_a_used_confirmation_link_answers_a_clear_page(browser, smtp):
    register(browser)
    link = link_in(smtp.last_to("carol@example.org"), "/email/confirm/")
    browser.get(link)
    again = browser.get(link)
    assert again.status_code == 410
    assert "is confirmed already" in again.get_data(as_text=True)


@pytest.mark.parametrize("mangle", [lambda link: link[:-6], lambda link: link + "x"])
def test_a_broken_link_answers_not_valid(browser, smtp, mangle):
    register(browser)
    link = link_in(smtp.last_to("carol@example.org"), "/email/confirm/")
    answer = browser.get(mangle(link))
    assert answer.status_code == 404
    assert "This link is not valid" in answer.get_data(as_text=True)


def test_an_expired_link_answers_expired(browser, smtp, monkeypatch):
    register(browser)
    link = link_in(smtp.last_to("carol@example.org"), "/email/confirm/")
    from datetime import timedelta

    from profilehost.mail import tokens

    monkeypatch.setattr(tokens, "CONFIRM_EMAIL_AGE", timedelta(seconds=-1))
    answer = browser.get(link)
    assert answer.status_code == 410 and "This link has expired" in answer.get_data(as_text=True)


def test_the_dashboard_sends_the_link_again(browser, smtp):
    register(browser)
    answer = post_form(browser, "/email/resend", {}, form_url="/dashboard/account")
    assert answer.status_code == 302
    assert len(smtp.to("carol@example.org")) == 2


def test_operator_and_existing_accounts_count_as_confirmed(make_user, client, smtp):
    make_user("alice")
    assert db.session.scalar(select(User.email_verified_at).where(User.username == "alice")) is not None
    assert smtp.messages == []


def test_a_changed_address_is_used_only_once_confirmed(browser, make_user, smtp):
    make_user("alice")
    log_in(browser, "alice")
    answer = post_form(browser, "/dashboard/account/email", {"email-email": "new@example.org",
                                                              "email-password": PASSWORD},
                       form_url="/dashboard/account")
    assert answer.status_code == 302
    assert db.session.scalar(select(User.email).where(User.username == "alice")) == "alice@example.org"

    browser.get(link_in(smtp.last_to("new@example.org"), "/email/confirm/"))

    db.session.expire_all()
    assert db.session.scalar(select(User.email).where(User.username == "alice")) == "new@example.org"


def test_without_verification_a_new_account_is_public_at_once(make_app, app, smtp):
    client = make_app(EMAIL_VERIFICATION=False, **smtp.app_settings(), BASE_URL=SITE_URL).test_client()
    register(client)
    assert db.session.scalar(select(User.email_verified_at).where(User.username == "carol")) is not None
    assert smtp.messages == []


def test_no_mail_is_lost_while_the_mail_server_is_down(make_app, app):
    down = SmtpSink()  # its port is free: nothing listens there yet
    mail_app = make_app(**down.app_settings(), BASE_URL=SITE_URL)
    register(mail_app.test_client())
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error

    down.controller.start()
    try:
        with mail_app.app_context():  # the command runs in the app of the context it finds
            result = mail_app.test_cli_runner().invoke(args=["mail", "send-pending"])
    finally:
        down.controller.stop()

    assert result.exit_code == 0, result.output
    assert down.last_to("carol@example.org")["Subject"].startswith("Confirm your email")
    db.session.expire_all()
    sent = db.session.scalar(select(OutboxMessage))
    assert sent.sent_at is not None and sent.text_body == ""
