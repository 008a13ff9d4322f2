"""A forgotten password, reset by a link mailed through a real SMTP server: the same answer for any address, a
link that works once, and a reset that ends every session and API token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from profilehost.extensions import db
from profilehost.mail.models import OutboxMessage
from profilehost.services import tokens
from support import link_in, log_in, post_form

# Mailed links start with the configured address (PROFILEHOST_BASE_URL), never with the request's host.
SITE_URL = "https://profiles.example.org"

NEW_PASSWORD = "a new and long password"


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(**smtp.app_settings(), BASE_URL=SITE_URL)


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
    assert "has been used, or the password or the account" in again.get_data(as_text=True)


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


# Links in mail: from the configuration, never from the request (its Host is whatever the sender typed).

FORGED = "evil.example"


def every_link_and_header(message) -> str:
    from support import mail_html, mail_text

    return " ".join([mail_text(message), mail_html(message), *(str(value) for value in message.values())])


def test_a_forged_host_never_reaches_a_mailed_link(mail_app, make_user, smtp):
    make_user("alice")
    browser = mail_app.test_client()
    page = browser.get("/password/forgot", headers={"Host": FORGED})
    from support import csrf_token_from

    browser.post("/password/forgot", headers={"Host": FORGED},
                 data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": "alice@example.org"})

    message = smtp.last_to("alice@example.org")
    assert FORGED not in every_link_and_header(message)
    assert f"{SITE_URL}/password/reset/" in every_link_and_header(message)


@pytest.fixture
def behind_proxy(make_app, smtp):
    return make_app(**smtp.app_settings(), BASE_URL=SITE_URL, TRUST_PROXY=1)


@pytest.fixture
def named(make_app, smtp):
    return make_app(**smtp.app_settings(), SERVER_NAMES=("localhost", "www.localhost"))


def test_a_forged_forwarded_host_never_reaches_a_mailed_link(behind_proxy, make_user, smtp):
    make_user("alice")
    post_form(behind_proxy.test_client(), "/password/forgot", {"email": "alice@example.org"},
              headers={"X-Forwarded-Host": FORGED})
    message = smtp.last_to("alice@example.org")
    assert FORGED not in every_link_and_header(message)
    assert f"{SITE_URL}/password/reset/" in every_link_and_header(message)


def test_links_use_the_first_server_name(named, make_user, smtp):
    make_user("alice")
    post_form(named.test_client(), "/password/forgot", {"email": "alice@example.org"})
    assert "http://localhost/password/reset/" in every_link_and_header(smtp.last_to("alice@example.org"))


def test_without_a_mail_server_links_go_to_the_local_address_whatever_the_host(app, make_user, server):
    from profilehost.mail.backend import mail_folder

    make_user("alice")
    browser = server.test_client()
    from support import csrf_token_from

    page = browser.get("/password/forgot", headers={"Host": FORGED})
    browser.post("/password/forgot", headers={"Host": FORGED},
                 data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": "alice@example.org"})

    from email import message_from_bytes, policy

    written = " ".join(every_link_and_header(message_from_bytes(path.read_bytes(), policy=policy.default))
                       for path in mail_folder().glob("*.eml"))
    assert "http://127.0.0.1:5000/password/reset/" in written and FORGED not in written


def test_a_mail_server_without_the_sites_address_refuses_to_start(make_app, smtp):
    from profilehost.config import ConfigError

    with pytest.raises(ConfigError, match="PROFILEHOST_SERVER_NAME"):
        make_app(**smtp.app_settings())


@pytest.mark.parametrize("given", ["profiles.example.org", "ftp://profiles.example.org",
                                   "https://profiles.example.org/sub", "https://user@profiles.example.org"])
def test_a_malformed_base_url_is_named(make_app, given):
    from profilehost.config import ConfigError

    with pytest.raises(ConfigError, match="PROFILEHOST_BASE_URL"):
        make_app(BASE_URL=given)
