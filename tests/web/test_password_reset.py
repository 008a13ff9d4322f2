"""A forgotten password, reset by a link mailed through a real SMTP server: the same answer for any address, a
link that works once, and a reset that ends every session and API token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from profilehost.extensions import db
from profilehost.mail.models import OutboxMessage
from profilehost.services import tokens
from support import SmtpSink, link_in, log_in, post_form

NEW_PASSWORD = "a new and long password"


@pytest.fixture
def smtp():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(**smtp.app_settings())


def ask_for_reset(client, email="alice@example.org"):
    return post_form(client, "/password/forgot", {"email": email})


def test_the_login_page_leads_to_the_reset(mail_app, app):
    assert 'href="/password/forgot"' in mail_app.test_client().get("/login").get_data(as_text=True)


def test_reset_ends_old_sessions_and_tokens_and_signs_in(mail_app, make_user, smtp):
    alice = make_user("alice")
    _token, secret = tokens.create_token(alice, "CI")
    old_session = mail_app.test_client()
    log_in(old_session, "alice")
    browser = mail_app.test_client()

    answer = ask_for_reset(browser)
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    message = smtp.last_to("alice@example.org")
    assert "Reset your profilehost password" == message["Subject"]
    reset = post_form(browser, link_in(message, "/password/reset/"), {"new_password": NEW_PASSWORD,
                                                                        "confirm": NEW_PASSWORD})

    assert reset.status_code == 302 and reset.headers["Location"].endswith("/dashboard/")
    assert browser.get("/dashboard/").status_code == 200
    assert old_session.get("/dashboard/").status_code == 302  # to the login page
    assert mail_app.test_client().get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert log_in(mail_app.test_client(), "alice", NEW_PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, make_user, smtp):
    make_user("alice")
    known = ask_for_reset(mail_app.test_client()).get_data(as_text=True)
    unknown = ask_for_reset(mail_app.test_client(), "nobody@example.org").get_data(as_text=True)
    assert known.replace("alice@example.org", "X").split("<main")[1] == \
        unknown.replace("nobody@example.org", "X").split("<main")[1]
    assert smtp.to("nobody@example.org") == []


def test_a_used_link_answers_a_clear_page(mail_app, make_user, smtp):
    make_user("alice")
    browser = mail_app.test_client()
    ask_for_reset(browser)
    link = link_in(smtp.last_to("alice@example.org"), "/password/reset/")
    post_form(browser, link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = mail_app.test_client().get(link)

    assert again.status_code == 410
    assert "has been used, or the password was changed" in again.get_data(as_text=True)


def test_an_expired_link_answers_a_clear_page(mail_app, make_user, smtp, monkeypatch):
    from datetime import timedelta

    from profilehost.mail import tokens as link_tokens

    make_user("alice")
    ask_for_reset(mail_app.test_client())
    link = link_in(smtp.last_to("alice@example.org"), "/password/reset/")
    monkeypatch.setattr(link_tokens, "PASSWORD_RESET_AGE", timedelta(seconds=-1))
    answer = mail_app.test_client().get(link)
    assert answer.status_code == 410 and "This link has expired" in answer.get_data(as_text=True)


def test_a_short_new_password_is_refused_and_the_link_still_works(mail_app, make_user, smtp):
    make_user("alice")
    browser = mail_app.test_client()
    ask_for_reset(browser)
    link = link_in(smtp.last_to("alice@example.org"), "/password/reset/")
    refused = post_form(browser, link, {"new_password": "short", "confirm": "short"})
    assert refused.status_code == 422 and "at least 10 characters" in refused.get_data(as_text=True)
    assert browser.get(link).status_code == 200


def test_one_mailbox_gets_one_reset_message_in_a_short_time(mail_app, make_user, smtp):
    make_user("alice")
    for _ in range(3):
        ask_for_reset(mail_app.test_client())
    assert len(smtp.to("alice@example.org")) == 1
    assert db.session.scalar(select(OutboxMessage.text_body)) == ""  # the sent link is not kept


def test_requests_are_rate_limited_per_network(mail_app, app):
    answers = [ask_for_reset(mail_app.test_client(), f"n{i}@example.org").status_code for i in range(6)]
    assert answers[:5] == [200] * 5 and answers[5] == 429


def test_a_reset_password_is_the_owners_own_and_is_not_asked_for_again(mail_app, make_user, smtp):
    from profilehost.services import first_sign_in

    first_sign_in.require_new_password(make_user("alice"))
    browser = mail_app.test_client()
    ask_for_reset(browser)
    post_form(browser, link_in(smtp.last_to("alice@example.org"), "/password/reset/"),
              {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert browser.get("/dashboard/").status_code == 200
