"""No account may pass for the service (its name, look-alikes of it, compounds of service words), and a login
leads only to the app's own screens, never to a tenant's page on the same origin."""

from __future__ import annotations

import pytest

from profilehost.models import User
from profilehost.services import accounts
from support import PASSWORD, post_form


def register(client, username: str):
    return post_form(client, "/register", {"username": username, "email": "someone@example.org",
                                           "password": PASSWORD, "confirm": PASSWORD})


SERVICE_LIKE_NAMES = [
    "administrator", "profilehost-support", "security-team", "signin", "password-reset", "noreply",
    "no-reply", "sign-in", "donotreply", "help-desk", "trust-and-safety", "mailer-daemon", "postmaster",
    "profilehost", "profilehost-news", "theprofilehost", "support-team", "verify-account",
]
LOOK_ALIKES = [
    "adm1n",            # 1 for i
    "adrnin",           # rn for m
    "r00t",             # 0 for o
    "supp0rt",
    "ADMINISTRATOR",    # case
    "ａｄｍｉｎ",        # fullwidth forms (NFKC)
    "ad-min",           # a hyphen inside
    "secur1ty-tearn",
    "pr0filehost",
]


@pytest.mark.parametrize("username", SERVICE_LIKE_NAMES + LOOK_ALIKES)
def test_registration_refuses_names_that_pass_for_the_service(client, username):
    response = register(client, username)
    assert response.status_code == 422
    assert "reserved" in response.get_data(as_text=True)
    assert User.query.count() == 0


@pytest.mark.parametrize("username", ["alice", "ada-lovelace", "mira-support-lab", "admiral", "min-ji", "l0rem"])
def test_registration_accepts_ordinary_names(client, username):
    assert register(client, username).status_code == 302


def test_reserved_names_are_data_read_from_one_file():
    listed = accounts.RESERVED_NAMES_FILE.read_text(encoding="utf-8")
    assert "administrator" in listed.split()
    assert {"administrator", "noreply", "login", "dashboard"} <= accounts.RESERVED_USERNAMES


def test_reserved_names_are_not_served_as_tenant_pages(client):
    assert client.get("/noreply/").status_code == 404


def test_a_login_lands_on_the_apps_screens(client, make_user):
    make_user("alice")
    response = post_form(client, "/login?next=/dashboard/account?tab=1",
                         {"username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/account?tab=1"


@pytest.mark.parametrize("target", ["/mallory/", "/mallory/session-expired/", "/mallory/files/login.pdf", "/",
                                    "/report", "/api/v1/pages", "/login", "/static/css/site.css", "/nowhere"])
def test_a_login_never_lands_on_a_tenant_page_or_a_public_one(client, make_user, target):
    make_user("alice")
    make_user("mallory")
    response = post_form(client, f"/login?next={target}", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"


def test_an_admin_is_sent_back_to_the_admin_screen_after_login(client, make_user):
    make_user("dean", admin=True)
    response = post_form(client, "/login?next=/admin/accounts", {"username": "dean", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/accounts"
