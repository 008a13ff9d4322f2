"""A part that is down (the database stopped or locked, Redis stopped) answers 503 with Retry-After on the house
error page, or keeps working, never a 500; a restarted database is used again from the first request."""

from __future__ import annotations

import logging
import socket
import sqlite3

import pytest
from flask_migrate import upgrade

from profilehost.extensions import limiter
from profilehost.services import tokens
from support import PASSWORD, log_in, post_form


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def stopped_database_app(app, make_app):
    # Built after `app`, which keeps the test database for the suite's cleanup.
    return make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://127.0.0.1:{closed_port()}/profilehost")


def assert_unavailable_page(response) -> str:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "try again" in page
    return page


def test_with_the_database_stopped_a_logged_in_screen_answers_503_on_the_house_page(
        logged_in, stopped_database_app):
    browser = stopped_database_app.test_client()
    browser.set_cookie("session", logged_in.get_cookie("session").value)
    page = assert_unavailable_page(browser.get("/dashboard/"))
    assert 'class="brand"' in page


def test_with_the_database_stopped_a_login_answers_503(make_user, stopped_database_app):
    response = post_form(stopped_database_app.test_client(), "/login", {"username": "alice", "password": PASSWORD})
    assert_unavailable_page(response)


def test_with_the_database_stopped_the_api_answers_503_in_json(make_user, stopped_database_app):
    secret = tokens.create_token(make_user("alice"), "CI")[1]
    response = stopped_database_app.test_client().get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.is_json and response.json["error"] == "Temporarily unavailable"


def test_with_the_database_stopped_a_public_page_answers_503(stopped_database_app):
    assert_unavailable_page(stopped_database_app.test_client().get("/alice/"))


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'locked.sqlite3'}", SQLITE_BUSY_TIMEOUT_MS=200)
    with app.app_context():
        upgrade()
    return app


def register(browser, username: str):
    return post_form(browser, "/register", {"username": username, "email": f"{username}@example.org",
                                             "password": PASSWORD, "confirm": PASSWORD})


def test_a_held_sqlite_write_lock_answers_503_with_a_retry_message(sqlite_app, tmp_path):
    browser = sqlite_app.test_client()
    holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = register(browser, "alice")
    finally:
        holder.close()
    page = assert_unavailable_page(response)
    assert "busy with another change" in page
    assert register(browser, "alice").status_code == 302


@pytest.fixture
def redis_down_app(app, make_app):
    # Built last: the limiter is one object, and the app bound last gives it its storage.
    yield make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    # The limiter is one object shared by every app of the suite: give it back a storage that answers.
    limiter._storage_dead = False
    make_app()


def test_with_redis_stopped_logins_work_and_say_so_in_the_log(redis_down_app, make_user, caplog):
    make_user("alice")
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        response = log_in(redis_down_app.test_client(), "alice")
    assert response.status_code == 302
    assert "falling back to in-memory storage" in caplog.text


def test_with_redis_stopped_failed_logins_are_still_limited(redis_down_app, make_user):
    make_user("alice")
    browser = redis_down_app.test_client()
    answers = [log_in(browser, "alice", "wrong password").status_code for _ in range(6)]
    assert answers[-1] == 429 and 500 not in answers


def test_with_redis_stopped_registration_and_the_api_work(redis_down_app, make_user):
    browser = redis_down_app.test_client()
    assert register(browser, "bob").status_code == 302
    secret = tokens.create_token(make_user("alice"), "CI")[1]
    listed = redis_down_app.test_client().get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200
