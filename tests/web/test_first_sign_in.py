"""A password someone else chose (the operator's CLI, the demo) is replaced at first sign-in, before anything else."""

import pytest

from profilehost.extensions import db
from profilehost.models import User
from profilehost.services import first_sign_in, tokens
from support import PASSWORD, log_in, post_form

NEW_PASSWORD = "a password of my very own"
FORM = "/account/new-password"


def account(username: str) -> User:
    db.session.expire_all()
    return User.query.filter_by(username=username).one()


@pytest.fixture
def given_password(make_user):
    """carol, whose password the operator chose."""
    carol = make_user("carol")
    first_sign_in.require_new_password(carol)
    return carol


def choose_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None):
    return post_form(client, FORM, {"current_password": current, "new_password": new,
                                    "confirm": confirm or new})


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/account", "/dashboard/profile", "/dashboard/tokens",
                                  "/dashboard/account/two-factor"])
def test_every_dashboard_screen_asks_for_a_new_password_first(client, given_password, path):
    log_in(client, "carol")
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == FORM


def test_admin_screens_ask_for_a_new_password_first(client, make_user):
    boss = make_user("boss", admin=True)
    first_sign_in.require_new_password(boss)
    log_in(client, "boss")
    assert client.get("/admin/").headers["Location"] == FORM


def test_the_form_says_why(client, given_password):
    log_in(client, "carol")
    page = client.get(FORM).get_data(as_text=True)
    assert "someone else chose" in page and 'autocomplete="new-password"' in page


def test_choosing_a_password_opens_the_dashboard(client, given_password, make_client):
    log_in(client, "carol")
    response = choose_password(client)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/account").status_code == 200
    assert account("carol").must_change_password is False
    other = make_client()
    assert log_in(other, "carol").status_code == 401  # the given password is gone
    assert log_in(other, "carol", NEW_PASSWORD).headers["Location"] == "/dashboard/"


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("not what I was given", NEW_PASSWORD, None, "The current password is not correct."),
    (PASSWORD, "short", None, "at least 10 characters"),
    (PASSWORD, PASSWORD, None, "not the one you were given"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", "The two passwords differ."),
])
def test_a_refused_password_says_why_and_changes_nothing(client, given_password, current, new, confirm, message):
    log_in(client, "carol")
    response = choose_password(client, current, new, confirm)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert account("carol").must_change_password is True
    assert client.get("/dashboard/").headers["Location"] == FORM


def test_an_account_with_its_own_password_never_sees_the_form(logged_in):
    assert logged_in.get(FORM).headers["Location"] == "/dashboard/account"


def test_the_form_needs_a_login(client):
    assert client.get(FORM).headers["Location"].startswith("/login")


def test_the_api_refuses_with_a_clear_json_error(client, given_password):
    _token, secret = tokens.create_token(given_password, "ci")
    response = client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json["error"] == "Password change required"
    assert "choose your own" in response.json["message"]


def test_public_pages_are_left_alone(client, given_password):
    log_in(client, "carol")
    assert client.get("/").status_code == 200


def test_an_admin_chooses_a_password_then_enrols_where_two_factor_is_required(make_app, make_user):
    boss = make_user("boss", admin=True)
    first_sign_in.require_new_password(boss)
    browser = make_app(ADMIN_REQUIRE_2FA=True).test_client()
    assert log_in(browser, "boss").headers["Location"] == "/dashboard/account/two-factor"
    assert browser.get("/dashboard/account/two-factor").headers["Location"] == FORM
    assert choose_password(browser).headers["Location"] == "/dashboard/account/two-factor"
    assert browser.get("/admin/").headers["Location"] == "/dashboard/account/two-factor"


def test_the_demo_accounts_choose_their_own_password(runner, client):
    output = runner.invoke(args=["demo"]).output
    admin_password = output.split("one-time password")[1].split("\n\n")[1].strip()
    assert account("demo-admin").must_change_password and account("ada").must_change_password
    log_in(client, "demo-admin", admin_password)
    assert client.get("/admin/").headers["Location"] == FORM
    choose_password(client, admin_password)
    assert client.get("/admin/").status_code == 200
