"""Emails are one address in any letter case: stored lowercase, refused by the database in any other spelling, and
the migration that brings this lowercases existing addresses or stops, naming the accounts that share one."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from profilehost import create_app
from profilehost.extensions import db
from profilehost.models import User
from profilehost.services import accounts

BEFORE_EMAILS_IN_ANY_CASE = "e71b4c2a9d05"
EMAILS_IN_ANY_CASE = "f18a0e5c2b01"


def test_an_email_is_stored_lowercase_and_taken_in_any_case(app):
    accounts.create_account("alice", "Alice@Example.org", "correct horse battery")
    with pytest.raises(accounts.AccountTaken, match="exists already"):
        accounts.create_account("bob", "ALICE@example.ORG", "correct horse battery")
    assert db.session.scalars(select(User.email)).all() == ["alice@example.org"]


def test_the_database_refuses_an_email_that_is_not_lowercase(app):
    user = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE users SET email = 'Alice@example.org' WHERE id = :id"), {"id": user.id})
    db.session.rollback()


@pytest.fixture
def sqlite_app(tmp_path, app_settings):
    """An app on an SQLite database of its own, built up to the migration before emails in any case."""
    app = create_app({**app_settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"})
    with app.app_context():
        upgrade(revision=BEFORE_EMAILS_IN_ANY_CASE)
        yield app
        db.session.remove()
        db.engine.dispose()


def add_account(username: str, email: str) -> None:
    db.session.execute(text("INSERT INTO users (username, email, password_hash, role, state, session_token, "
                            "created_at, site_version) VALUES (:username, :email, 'x', 'user', 'active', 'token', "
                            "'2026-12-01 00:00:00', 1)"), {"username": username, "email": email})
    db.session.commit()


def test_the_migration_lowercases_every_email(sqlite_app):
    add_account("alice", "Alice@Example.org")
    add_account("bob", "bob@example.org")
    upgrade(revision=EMAILS_IN_ANY_CASE)
    db.session.remove()
    assert db.session.execute(text("SELECT username, email FROM users ORDER BY username")).all() == [
        ("alice", "alice@example.org"), ("bob", "bob@example.org")]


def test_the_migration_stops_naming_the_accounts_that_share_an_email_in_two_cases(sqlite_app, capsys):
    add_account("alice", "Alice@Example.org")
    add_account("alice2", "alice@example.org")
    with pytest.raises(SystemExit):
        upgrade(revision=EMAILS_IN_ANY_CASE)
    refusal = capsys.readouterr().err
    assert "share an email address in different letter cases: alice@example.org: alice, alice2" in refusal
    db.session.remove()
    assert db.session.execute(text("SELECT email FROM users ORDER BY username")).scalars().all() == [
        "Alice@Example.org", "alice@example.org"]
