"""Logging out, changing the password, a suspension and a deletion end every browser session and every API token
of the account; making a token asks for the password."""

from __future__ import annotations

import re

from profilehost.models import ApiToken
from profilehost.services import accounts, tokens
from support import PASSWORD, log_in, post_form

NEW_PASSWORD = "a brand new password"
TOKEN_VALUE = re.compile(r'value="(ph_[^"]+)"')


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def copy_session_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def make_token_through_the_dashboard(browser, password: str = PASSWORD):
    return post_form(browser, "/dashboard/tokens", {"name": "CI", "password": password})


def test_a_session_cookie_captured_before_logout_is_refused_after_it(make_client, make_user):
    make_user("alice")
    owner, attacker = make_client(), make_client()
    log_in(owner, "alice")
    copy_session_cookie(owner, attacker)
    assert attacker.get("/dashboard/").status_code == 200
    post_form(owner, "/logout", {}, form_url="/dashboard/")
    response = attacker.get("/dashboard/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_the_sessions_on_other_devices_too(make_client, make_user):
    make_user("alice")
    laptop, phone = make_client(), make_client()
    log_in(laptop, "alice")
    log_in(phone, "alice")
    post_form(laptop, "/logout", {}, form_url="/dashboard/")
    assert phone.get("/dashboard/").status_code == 302


def test_creating_an_api_token_asks_for_the_password(logged_in):
    without = post_form(logged_in, "/dashboard/tokens", {"name": "CI"})
    wrong = make_token_through_the_dashboard(logged_in, password="not my password")
    assert without.status_code == 422 and wrong.status_code == 422
    assert "The current password is not correct" in wrong.get_data(as_text=True)
    assert ApiToken.query.count() == 0
    right = make_token_through_the_dashboard(logged_in)
    assert right.status_code == 200 and TOKEN_VALUE.search(right.get_data(as_text=True))
    assert ApiToken.query.count() == 1


def test_a_password_change_revokes_every_api_token(make_client, logged_in):
    secret = TOKEN_VALUE.search(make_token_through_the_dashboard(logged_in).get_data(as_text=True)).group(1)
    script = make_client()
    assert script.get("/api/v1/pages", headers=bearer(secret)).status_code == 200
    post_form(logged_in, "/dashboard/account", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert script.get("/api/v1/pages", headers=bearer(secret)).status_code == 401
    assert logged_in.get("/dashboard/").status_code == 200


def test_an_operators_password_reset_ends_sessions_and_tokens(app, make_client, make_user, runner):
    alice = make_user("alice")
    secret = tokens.create_token(alice, "CI")[1]
    browser, script = make_client(), make_client()
    log_in(browser, "alice")
    result = runner.invoke(args=["user", "password", "alice"], env={"PROFILEHOST_PASSWORD": NEW_PASSWORD})
    assert result.exit_code == 0, result.output
    assert browser.get("/dashboard/").status_code == 302
    assert script.get("/api/v1/pages", headers=bearer(secret)).status_code == 401


def test_logout_revokes_the_accounts_api_tokens(make_client, logged_in):
    secret = tokens.create_token(logged_in.user, "CI")[1]
    post_form(logged_in, "/logout", {}, form_url="/dashboard/")
    assert make_client().get("/api/v1/pages", headers=bearer(secret)).status_code == 401


def test_deleting_the_account_ends_sessions_and_tokens(make_client, logged_in):
    secret = tokens.create_token(logged_in.user, "CI")[1]
    other_device = make_client()
    log_in(other_device, "alice")
    response = post_form(logged_in, "/dashboard/account/delete", {"delete-password": PASSWORD},
                         form_url="/dashboard/account")
    assert response.status_code == 302
    assert other_device.get("/dashboard/").status_code == 302
    assert make_client().get("/api/v1/pages", headers=bearer(secret)).status_code == 401


def test_a_token_revoked_by_a_suspension_stays_revoked_after_the_restore(app, make_client, make_user):
    from profilehost.services import moderation

    alice = make_user("alice")
    secret = tokens.create_token(alice, "CI")[1]
    browser = make_client()
    log_in(browser, "alice")
    moderation.suspend_account(None, alice, "spam")
    moderation.restore_account(None, alice)
    assert browser.get("/dashboard/").status_code == 302
    assert make_client().get("/api/v1/pages", headers=bearer(secret)).status_code == 401


def test_ending_sessions_is_one_function_that_revokes_tokens_and_rotates_the_session_id(app, make_user):
    alice = make_user("alice")
    tokens.create_token(alice, "CI")
    before = alice.get_id()
    accounts.end_sessions_and_tokens(alice)
    assert alice.get_id() != before
    assert all(token.revoked_at is not None for token in tokens.list_tokens(alice))
