"""`flask backup` copies a live SQLite database with every acknowledged write (those still in the WAL too), and
`flask restore` puts it into a fresh instance; both refuse what they cannot do safely, saying what to do instead."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask_migrate import upgrade

from factories import page_source
from profilehost.extensions import db
from profilehost.services import accounts, tokens
from support import PASSWORD

RECENT_WRITES = 30


def sqlite_instance(make_app, folder: Path):
    folder.mkdir()
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'profilehost.sqlite3'}", INSTANCE_PATH=str(folder))
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def live(server, make_app, tmp_path):
    """An instance on its own SQLite file. Built after `server`, which keeps the suite's database for cleanup;
    no app context is held open, so each command runs on the app it is invoked for."""
    return sqlite_instance(make_app, tmp_path / "live")


def publish_through_the_api(live, count: int) -> tuple[str, list[str]]:
    with live.app_context():
        secret = tokens.create_token(accounts.create_account("alice", "alice@example.org", PASSWORD), "CI")[1]
        db.session.remove()
    client = live.test_client()
    acknowledged = []
    for number in range(count):
        permalink = f"/recent-{number}/"
        response = client.put(f"/api/v1/pages/recent-{number}", data=page_source(f"Recent {number}", permalink),
                              headers={"Authorization": f"Bearer {secret}"})
        if response.status_code in (200, 201):
            acknowledged.append(permalink)
    return secret, acknowledged


def listed_permalinks(app, secret: str) -> set[str]:
    response = app.test_client().get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    return {page["permalink"] for page in response.json["pages"]}


def test_a_backup_of_a_live_database_restored_into_a_fresh_instance_has_every_acknowledged_write(
        live, make_app, tmp_path):
    secret, acknowledged = publish_through_the_api(live, RECENT_WRITES)
    assert len(acknowledged) == RECENT_WRITES
    assert (tmp_path / "live" / "profilehost.sqlite3-wal").stat().st_size > 0, "the recent writes are in the WAL"

    backed_up = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.sqlite3")])
    assert backed_up.exit_code == 0, backed_up.output

    fresh = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with fresh.app_context():
        upgrade()
    restored = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.sqlite3"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert listed_permalinks(fresh, secret) >= set(acknowledged)


def test_a_backup_never_overwrites_a_file(live, tmp_path):
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    result = live.test_cli_runner().invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert existing.read_bytes() == b"keep me"


def test_backup_and_restore_on_postgresql_give_the_pg_dump_recipe(server, make_app, tmp_path):
    on_postgres = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://ph:secret@127.0.0.1:5432/profilehost")
    for args in (["backup", str(tmp_path / "b.dump")], ["restore", __file__, "--yes"]):
        result = on_postgres.test_cli_runner().invoke(args=args)
        assert result.exit_code != 0
        assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
        assert "secret" not in result.output


def test_restore_refuses_a_file_that_is_not_a_profilehost_database(live, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    result = live.test_cli_runner().invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code != 0 and "not profilehost's" in result.output


def test_restore_refuses_a_backup_at_another_migration(live, tmp_path):
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as connection:
        connection.execute("CREATE TABLE users (id INTEGER)")
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('215f71b66b56')")
    result = live.test_cli_runner().invoke(args=["restore", str(old), "--yes"])
    assert result.exit_code != 0 and "is at migration 215f71b66b56" in result.output
    assert "flask db upgrade" in result.output


def test_restore_asks_before_replacing_the_database(live, tmp_path):
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.sqlite3")]).exit_code == 0
    result = live.test_cli_runner().invoke(args=["restore", str(tmp_path / "b.sqlite3")], input="n\n")
    assert result.exit_code != 0 and "Stop profilehost-web and profilehost-worker first" in result.output
