"""Moderation tells people by email, through a real SMTP server: each notice with its reason, optional ones with
an unsubscribe link that works without logging in, and the dashboard's switch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.models import Appeal, Page, Report, User
from profilehost.services import accounts, moderation, reports
from support import PASSWORD, link_in, log_in, mail_html, mail_text, post_form

# Mailed links start with the configured address (PROFILEHOST_BASE_URL), never with the request's host.
SITE_URL = "https://profiles.example.org"


@pytest.fixture
def mail_app(make_app, smtp, app):
    mail_app = make_app(**smtp.app_settings(), BASE_URL=SITE_URL)
    with mail_app.app_context():  # the services below send through this app's SMTP settings
        yield mail_app


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def make(name: str, **kwargs) -> User:
    return accounts.create_account(name, f"{name}@example.org", PASSWORD, **kwargs)


def test_suspension_mails_the_reason_and_how_to_appeal(mail_app, smtp):
    make("alice")
    moderation.suspend_account(None, user("alice"), "Spam links on every page")
    message = smtp.last_to("alice@example.org")
    assert message["Subject"] == "Your profilehost account is suspended"
    assert "Spam links on every page" in mail_text(message) and "How to appeal" in mail_text(message)
    assert "List-Unsubscribe" not in message  # needed to keep the account: always sent


@pytest.mark.parametrize(("act", "subject", "says"), [
    (lambda: moderation.approve_account(None, user("alice")), "Your profilehost account is approved", "/alice/"),
    (lambda: moderation.delete_account(None, user("alice"), "Impersonation"), "Your profilehost account is deleted",
     "Impersonation"),
])
def test_account_notices(mail_app, smtp, act, subject, says):
    from profilehost.models import AccountState

    make("alice", state=AccountState.PENDING)
    act()
    message = smtp.last_to("alice@example.org")
    assert message["Subject"] == subject and says in mail_text(message)


def test_restore_after_suspension_is_mailed(mail_app, smtp):
    make("alice")
    moderation.suspend_account(None, user("alice"), "Spam")
    moderation.restore_account(None, user("alice"))
    assert smtp.last_to("alice@example.org")["Subject"] == "Your profilehost account is restored"


def test_own_deletion_mails_the_cancellation_window(mail_app, smtp):
    make("alice")
    moderation.delete_own_account(user("alice"), PASSWORD)
    text = mail_text(smtp.last_to("alice@example.org"))
    assert "Log in within 30 days to cancel" in text


def test_an_unpublished_page_is_mailed_with_its_reason(mail_app, smtp):
    alice = make("alice")
    publish(alice, page_source("Talks", "/talks/"))
    page = db.session.scalar(select(Page).where(Page.user_id == alice.id))
    moderation.unpublish_page(None, page, "Copyrighted slides")
    message = smtp.last_to("alice@example.org")
    assert message["Subject"] == "A page of yours was unpublished: Talks"
    assert "Copyrighted slides" in mail_text(message) and "Copyrighted slides" in mail_html(message)
    assert message["List-Unsubscribe"].strip().startswith("<http")


def test_the_appeal_decision_is_mailed_with_the_answer(mail_app, smtp):
    boss = make("boss", admin=True)
    make("alice")
    moderation.suspend_account(boss, user("alice"), "Spam")
    moderation.submit_appeal(user("alice"), "It was a mistake")
    moderation.decide_appeal(boss, db.session.scalar(select(Appeal)), True, "Sorry, our mistake")
    message = smtp.last_to("alice@example.org")
    assert message["Subject"].startswith("Your appeal was accepted")
    assert "Sorry, our mistake" in mail_text(message)


def test_a_reporter_who_left_an_address_hears_the_outcome(mail_app, smtp):
    boss = make("boss", admin=True)
    make("alice")
    report, _token = reports.file_report("/alice/", "spam", "ads", "Reporter@Example.org")
    reports.close_report(boss, db.session.get(Report, report.id), "resolved", "We removed the page.")
    message = smtp.last_to("reporter@example.org")
    assert message["Subject"] == f"Your report #{report.id} is closed"
    assert "We removed the page." in mail_text(message)


def test_the_unsubscribe_link_works_without_login(mail_app, smtp):
    make("alice")
    moderation.suspend_account(None, user("alice"), "Spam")
    moderation.restore_account(None, user("alice"))
    link = link_in(smtp.last_to("alice@example.org"), "/mail/unsubscribe/")
    browser = mail_app.test_client()
    assert "Stop notices to alice@example.org?" in browser.get(link).get_data(as_text=True)
    assert user("alice").mail_notices  # a GET changes nothing
    assert post_form(browser, link, {}).status_code == 200
    db.session.expire_all()
    assert not user("alice").mail_notices

    moderation.suspend_account(None, user("alice"), "Spam again")
    moderation.restore_account(None, user("alice"))
    subjects = [m["Subject"] for m in smtp.to("alice@example.org")]
    assert subjects.count("Your profilehost account is restored") == 1  # no more optional notices
    assert subjects.count("Your profilehost account is suspended") == 2  # essential ones still come


def test_one_click_unsubscribe_needs_no_csrf_token(mail_app, smtp):
    make("alice")
    alice = user("alice")
    publish(alice, page_source("Talks", "/talks/"))
    moderation.unpublish_page(None, db.session.scalar(select(Page)), "x")
    link = link_in(smtp.last_to("alice@example.org"), "/mail/unsubscribe/")
    assert mail_app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.expire_all()
    assert not user("alice").mail_notices


def test_the_dashboard_switch_turns_notices_off(mail_app, smtp):
    make("alice")
    browser = mail_app.test_client()
    log_in(browser, "alice")
    answer = post_form(browser, "/dashboard/account/notices", {}, form_url="/dashboard/account")
    assert answer.status_code == 302
    db.session.expire_all()
    assert not user("alice").mail_notices


def test_a_refused_change_sends_nothing(mail_app, smtp):
    make("alice")
    with pytest.raises(moderation.ModerationError):
        moderation.suspend_account(None, user("alice"), "   ")
    db.session.rollback()
    assert smtp.to("alice@example.org") == []


# Security notices: never optional, each with what to do if it was not the owner.

NEW = "a brand new long password"


def assert_security_notice(message, subject: str, says: str) -> None:
    assert message["Subject"] == subject
    assert says in mail_text(message) and "If this was not you" in mail_text(message)
    assert f"{SITE_URL}/password/forgot" in mail_text(message) and "List-Unsubscribe" not in message


def test_a_password_changed_in_the_dashboard_is_told_even_with_notices_off(mail_app, smtp):
    from profilehost.mail import preferences

    preferences.set_mail_notices(make("alice"), False)
    browser = mail_app.test_client()
    log_in(browser, "alice")
    post_form(browser, "/dashboard/account", {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert_security_notice(smtp.last_to("alice@example.org"), "Your profilehost password was changed",
                           "the password of your account was changed")


def test_a_password_reset_by_link_is_told(mail_app, smtp):
    make("alice")
    browser = mail_app.test_client()
    post_form(browser, "/password/forgot", {"email": "alice@example.org"})
    post_form(browser, link_in(smtp.last_to("alice@example.org"), "/password/reset/"),
              {"new_password": NEW, "confirm": NEW})
    assert_security_notice(smtp.last_to("alice@example.org"), "Your profilehost password was changed",
                           "reset with a link we mailed to this address")


def test_a_password_set_by_the_operator_is_told(mail_app, smtp, monkeypatch):
    make("alice")
    monkeypatch.setenv("PROFILEHOST_PASSWORD", NEW)
    assert mail_app.test_cli_runner().invoke(args=["user", "password", "alice"]).exit_code == 0
    assert_security_notice(smtp.last_to("alice@example.org"), "Your profilehost password was changed",
                           "an administrator of profilehost set a new password")


def test_a_given_password_replaced_at_first_sign_in_is_told(mail_app, smtp):
    make("alice", must_change_password=True)
    browser = mail_app.test_client()
    log_in(browser, "alice")
    post_form(browser, "/account/new-password", {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert_security_notice(smtp.last_to("alice@example.org"), "Your profilehost password was changed",
                           "the password of your account was changed")


@pytest.mark.parametrize(("what", "subject", "says"), [
    ("enabled", "Two-factor sign-in is on for your profilehost account", "two-factor sign-in is now on"),
    ("disabled", "Two-factor sign-in is off for your profilehost account", "was turned off for your account"),
    ("reset", "Two-factor sign-in is off for your profilehost account", "an administrator of profilehost turned"),
])
def test_two_factor_changes_are_told(mail_app, smtp, what, subject, says):
    from profilehost.mail import notices

    notices.two_factor_changed(make("alice"), what)
    db.session.commit()
    assert_security_notice(smtp.last_to("alice@example.org"), subject, says)


@pytest.fixture
def proxied_mail_app(make_app, smtp, app):
    proxied = make_app(**smtp.app_settings(), BASE_URL=SITE_URL, TRUST_PROXY=1)
    with proxied.app_context():
        yield proxied


def test_an_optional_notice_sent_from_a_request_links_to_the_configured_site(proxied_mail_app, smtp):
    from profilehost.models import AccountState

    make("boss", admin=True)
    make("alice", state=AccountState.PENDING)
    admin = proxied_mail_app.test_client()
    log_in(admin, "boss")
    post_form(admin, "/admin/accounts/alice/approve", {"reason": ""}, form_url="/admin/accounts/alice",
              headers={"X-Forwarded-Host": "evil.example"})

    message = smtp.last_to("alice@example.org")
    everything = " ".join([mail_text(message), mail_html(message), message["List-Unsubscribe"]])
    assert "evil.example" not in everything
    assert message["List-Unsubscribe"].strip().startswith(f"<{SITE_URL}/mail/unsubscribe/")
    assert f"{SITE_URL}/alice/" in mail_text(message)
