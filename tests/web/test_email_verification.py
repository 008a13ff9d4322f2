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


# A change of address is told to the old address; a reset link sent there dies with the change.

def ask_for_address(browser, address="new@example.org"):
    return post_form(browser, "/dashboard/account/email", {"email-email": address, "email-password": PASSWORD},
                     form_url="/dashboard/account")


def test_the_old_address_hears_of_a_change_when_it_is_asked_for_and_when_it_is_made(browser, make_user, smtp):
    make_user("alice")
    log_in(browser, "alice")
    ask_for_address(browser)

    asked = smtp.last_to("alice@example.org")
    assert asked["Subject"] == "Your profilehost account is changing its email address"
    assert "new@example.org" in mail_text(asked) and "If this was not you" in mail_text(asked)
    assert f"{SITE_URL}/password/forgot" in mail_text(asked)
    assert "List-Unsubscribe" not in asked  # a security notice is never optional

    browser.get(link_in(smtp.last_to("new@example.org"), "/email/confirm/"))

    made = smtp.last_to("alice@example.org")
    assert made["Subject"] == "Your profilehost account has a new email address"
    assert "now new@example.org instead of alice@example.org" in mail_text(made)
    assert "List-Unsubscribe" not in made


def test_a_notice_is_sent_even_to_an_owner_who_turned_notices_off(browser, make_user, smtp):
    from profilehost.mail import preferences

    preferences.set_mail_notices(make_user("alice"), False)
    log_in(browser, "alice")
    ask_for_address(browser)
    assert smtp.last_to("alice@example.org")["Subject"].endswith("is changing its email address")


def test_without_verification_the_old_address_hears_of_the_change(make_app, app, make_user, smtp):
    client = make_app(EMAIL_VERIFICATION=False, **smtp.app_settings(), BASE_URL=SITE_URL).test_client()
    make_user("alice")
    log_in(client, "alice")
    ask_for_address(client)
    assert "now new@example.org instead of alice@example.org" in mail_text(smtp.last_to("alice@example.org"))


def test_without_verification_a_new_address_is_taken_as_given_like_a_new_accounts(make_app, app, make_user, smtp):
    client = make_app(EMAIL_VERIFICATION=False, **smtp.app_settings(), BASE_URL=SITE_URL).test_client()
    make_user("alice", email_confirmed=False)  # made while the operator still asked for confirmations
    log_in(client, "alice")
    ask_for_address(client)
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    # Confirmed as registration confirms an address without verification: the security notices reach it.
    assert alice.email == "new@example.org" and alice.email_verified_at is not None


def test_a_reset_link_sent_to_the_old_address_stops_working_once_the_address_changes(browser, make_user, smtp):
    make_user("alice")
    post_form(browser, "/password/forgot", {"email": "alice@example.org"})
    old_reset = link_in(smtp.last_to("alice@example.org"), "/password/reset/")
    log_in(browser, "alice")
    ask_for_address(browser)
    browser.get(link_in(smtp.last_to("new@example.org"), "/email/confirm/"))

    answer = browser.get(old_reset)

    assert answer.status_code == 410 and "email address was changed" in answer.get_data(as_text=True)


def test_a_password_reset_cancels_a_change_of_address_waiting_for_its_link(browser, make_app, make_user, smtp):
    make_user("alice")
    log_in(browser, "alice")  # someone who knows alice's password...
    ask_for_address(browser, "thief@example.org")
    owner = browser.application.test_client()
    post_form(owner, "/password/forgot", {"email": "alice@example.org"})  # ...and alice, told by mail, resets it
    post_form(owner, link_in(smtp.last_to("alice@example.org"), "/password/reset/"),
              {"new_password": "alice's own new password", "confirm": "alice's own new password"})

    answer = browser.get(link_in(smtp.last_to("thief@example.org"), "/email/confirm/"))

    assert answer.status_code == 410
    db.session.expire_all()
    assert db.session.scalar(select(User.email).where(User.username == "alice")) == "alice@example.org"


# Registration with an address that has an account: the form does not say so; the address's owner is told.

def test_registering_with_a_taken_address_answers_as_a_new_one_and_mails_the_owner(browser, make_user, smtp):
    make_user("alice")
    answer = register(browser, username="mallory", email="Alice@Example.org")

    page = answer.get_data(as_text=True)
    assert "exists already" not in page and "We sent a link to alice@example.org" in page
    notice = smtp.last_to("alice@example.org")
    assert notice["Subject"] == "Someone tried to register at profilehost with your address"
    assert "belongs to your account, alice" in mail_text(notice)
    assert f"{SITE_URL}/login" in mail_text(notice) and f"{SITE_URL}/password/forgot" in mail_text(notice)
    assert db.session.scalar(select(User.id).where(User.username == "mallory")) is None


def test_repeated_registrations_with_a_taken_address_mail_its_owner_once_in_a_while(browser, make_user, smtp):
    make_user("alice")
    for name in ("mallory", "mallory2", "mallory3"):
        register(browser.application.test_client(), username=name, email="alice@example.org")
    assert len(smtp.to("alice@example.org")) == 1


def test_without_verification_a_taken_address_is_named_and_nothing_is_mailed(make_app, app, make_user, smtp):
    client = make_app(EMAIL_VERIFICATION=False, **smtp.app_settings(), BASE_URL=SITE_URL).test_client()
    make_user("alice")
    answer = register(client, username="mallory", email="alice@example.org")
    assert answer.status_code == 409 and "exists already" in answer.get_data(as_text=True)
    assert smtp.messages == []


# Confirmation mail is limited: per account (the change of address and "send the link again" together) and per
# address it goes to (from every account together).

def test_changes_of_address_and_resends_share_one_budget_per_account(browser, make_user, smtp):
    make_user("alice")
    log_in(browser, "alice")
    answers = [ask_for_address(browser, f"new{i}@example.org").status_code for i in range(3)]
    resend = post_form(browser, "/email/resend", {}, form_url="/dashboard/account")
    another = ask_for_address(browser, "victim@example.org")

    assert answers == [302] * 3 and resend.status_code == 429 and another.status_code == 429
    assert "several confirmation links" in another.get_data(as_text=True)
    assert smtp.to("victim@example.org") == []


def test_a_refused_change_does_not_spend_the_budget(browser, make_user, smtp):
    make_user("alice")
    log_in(browser, "alice")
    for _ in range(4):
        refused = post_form(browser, "/dashboard/account/email", {"email-email": "new@example.org",
                                                                   "email-password": "not the password"},
                            form_url="/dashboard/account")
        assert refused.status_code == 422
    assert ask_for_address(browser).status_code == 302


def test_one_address_gets_few_confirmation_links_from_all_accounts_together(mail_app, make_user, smtp):
    statuses = []
    for name in ("ann", "bob", "cid", "dan"):
        make_user(name)
        browser = mail_app.test_client()
        log_in(browser, name)
        statuses += [ask_for_address(browser, "Victim@Example.org").status_code for _ in range(2)]
    assert statuses.count(302) == 5 and set(statuses[5:]) == {429}
    assert len(smtp.to("victim@example.org")) == 5


def test_the_limits_ask_a_visitor_to_log_in_first(browser):
    assert browser.post("/dashboard/account/email", data={"email-email": "x@example.org"}).status_code in (302, 400)
    assert browser.post("/email/resend").status_code in (302, 400)
