"""The email migration: every account that existed before it counts as confirmed, and its downgrade keeps them."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from profilehost import create_app
from profilehost.extensions import db

BEFORE_EMAIL = "f18c0b7d3e02"
EMAIL = "a19e1c0d2b01"


@pytest.fixture
def old_app(tmp_path, app_settings):
    app = create_app({**app_settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'email.sqlite3'}"})
    with app.app_context():
        upgrade(revision=BEFORE_EMAIL)
        db.session.execute(text(
            "INSERT INTO users (username, email, password_hash, role, state, session_token, created_at, "
            "site_version) VALUES ('old', 'old@example.org', 'x', 'user', 'active', 't', '2026-01-02 03:04:05', 1)"))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_existing_accounts_count_as_confirmed_and_keep_their_notices(old_app):
    upgrade(revision=EMAIL)
    row = db.session.execute(text("SELECT email_verified_at, created_at, mail_notices, pending_email FROM users"))
    verified_at, created_at, notices, pending = row.one()
    assert verified_at == created_at and notices in (1, True) and pending is None


def test_the_downgrade_keeps_every_account(old_app):
    upgrade(revision=EMAIL)
    db.session.remove()
    downgrade(revision=BEFORE_EMAIL)
    assert db.session.execute(text("SELECT username FROM users")).scalars().all() == ["old"]
    columns = {row[1] for row in db.session.execute(text("PRAGMA table_info(users)"))}
    assert "email_verified_at" not in columns
    assert "outbox_messages" not in {row[0] for row in db.session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
