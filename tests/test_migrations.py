"""The schema the migrations build is the schema the models describe, on whichever engine the suite runs."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from factories import page_source, publish
from profilehost import create_app
from profilehost.extensions import db
from profilehost.models import Page, Profile, Revision, User
from profilehost.services import accounts

BEFORE_IDS_NEVER_REUSED = "9c3d2e7f4a10"


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_built_every_model_table(app):
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())


def tables_with_integer_ids() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables if list(table.primary_key.columns.keys()) == ["id"]]


def test_every_model_table_with_an_integer_id_is_declared_to_never_reuse_ids():
    assert [name for name in tables_with_integer_ids()
            if not db.metadata.tables[name].dialect_options["sqlite"]["autoincrement"]] == []


def test_the_migrated_sqlite_schema_never_reuses_ids(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's sequences never give an id twice")
    # Autogenerate cannot see AUTOINCREMENT, and a batch rebuild drops it unless given
    # table_kwargs={"sqlite_autoincrement": True}: this is the check that catches it.
    created = dict(db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
    assert [name for name in tables_with_integer_ids() if "AUTOINCREMENT" not in created[name]] == []


@pytest.fixture
def sqlite_app(tmp_path, app_settings):
    """An app on an SQLite database of its own, whatever engine the suite runs on."""
    app = create_app({**app_settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def row_counts() -> dict[str, int]:
    db.session.remove()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Profile, Page, Revision)}


def test_making_sqlite_ids_never_reused_keeps_every_row_and_every_cascade(sqlite_app):
    upgrade(revision=BEFORE_IDS_NEVER_REUSED)
    alice_id = insert_account_at_that_revision("alice", with_a_page=True)
    bob_id = insert_account_at_that_revision("bob")
    before = row_counts()
    upgrade()
    assert row_counts() == before
    db.session.execute(text("DELETE FROM users WHERE username = 'bob'"))
    db.session.commit()
    carol = accounts.create_account("carol", "carol@example.org", "correct horse battery")
    assert carol.id > bob_id > alice_id
    db.session.execute(text("DELETE FROM users WHERE username = 'alice'"))
    db.session.commit()
    assert row_counts() == {"users": 1, "profiles": 1, "pages": 0, "revisions": 0}
    downgrade(revision=BEFORE_IDS_NEVER_REUSED)
    assert row_counts() == {"users": 1, "profiles": 1, "pages": 0, "revisions": 0}


def insert_account_at_that_revision(username: str, *, with_a_page: bool = False) -> int:
    """An account (with a profile, and a page with one revision) in the columns of BEFORE_IDS_NEVER_REUSED: the
    models describe the newest schema, so the rows of an old one are written in SQL."""
    now = {"now": "2026-12-01 12:00:00"}
    user_id = db.session.execute(text(
        "INSERT INTO users (username, email, password_hash, role, state, session_token, created_at, site_version) "
        "VALUES (:name, :email, 'x', 'user', 'active', :token, :now, 1) RETURNING id"),
        {"name": username, "email": f"{username}@example.org", "token": username.ljust(32, "0"), **now}).scalar_one()
    db.session.execute(text(
        "INSERT INTO profiles (user_id, display_name, pronouns, bio, location, employer, avatar, links, updated_at) "
        "VALUES (:id, :name, '', '', '', '', '', '{}', :now)"), {"id": user_id, "name": username, **now})
    if with_a_page:
        page_id = db.session.execute(text(
            "INSERT INTO pages (user_id, permalink, title, published, current_revision, updated_at) "
            "VALUES (:id, '/', 'Home', 1, 1, :now) RETURNING id"), {"id": user_id, **now}).scalar_one()
        db.session.execute(text(
            "INSERT INTO revisions (page_id, number, source, content_hash, front_matter, title, description, "
            "author_profile, body_html, notices, created_at) "
            "VALUES (:page, 1, :source, :hash, '{}', 'Home', '', 1, '<p>Hi</p>', '[]', :now)"),
            {"page": page_id, "source": b"Hi", "hash": "0" * 64, **now})
    db.session.commit()
    return user_id


BEFORE_COLLECTIONS = "215f71b66b56"
BEFORE_SITE_FILES = "0794852b5370"


@pytest.fixture(params=["own SQLite database", "the suite's database"])
def downgradable_app(request, sqlite_app):
    """At head with rows in it; put back at head afterwards, whatever the test did."""
    if request.param == "own SQLite database":
        upgrade()
        yield sqlite_app
        return
    suite_app = request.getfixturevalue("app")
    with suite_app.app_context():
        try:
            yield suite_app
        finally:
            db.session.remove()
            upgrade()


def downgrade_to(revision: str, **options) -> None:
    # The test's session would hold its read locks, and PostgreSQL's ALTER TABLE would wait for them forever.
    db.session.remove()
    downgrade(revision=revision, **options)


def current_revision() -> str:
    db.session.remove()
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_downgrading_below_collections_refuses_while_they_hold_data_and_keeps_it(downgradable_app, capsys):
    alice = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    publish(alice, page_source("Talks", "/talks/"), "talks.md")
    with pytest.raises(SystemExit):
        downgrade_to(BEFORE_COLLECTIONS)
    refusal = capsys.readouterr().err
    assert "would drop the collections, the imported menu and the revisions' file names" in refusal
    assert "revisions.source_name (1 rows)" in refusal and "flask site export" in refusal
    assert "flask db downgrade -x discard_data=yes" in refusal
    # PostgreSQL undoes the whole downgrade; SQLite keeps the steps above the refusal, each complete.
    assert current_revision() != BEFORE_COLLECTIONS
    assert db.session.execute(text("SELECT source_name FROM revisions")).scalars().all() == ["talks.md"]


def test_downgrading_below_site_files_refuses_while_a_site_has_one(downgradable_app, capsys):
    alice = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    db.session.execute(text("INSERT INTO site_files (user_id, path, number, current, source, created_at) "
                            "VALUES (:user, '_data/navigation.yml', 1, true, :source, CURRENT_TIMESTAMP)"),
                       {"user": alice.id, "source": b"main: []\n"})
    db.session.commit()
    with pytest.raises(SystemExit):
        downgrade_to(BEFORE_SITE_FILES)
    assert "site_files.id (1 rows)" in capsys.readouterr().err
    assert db.session.execute(text("SELECT path FROM site_files")).scalars().all() == ["_data/navigation.yml"]


def test_downgrading_with_discard_data_drops_the_columns(downgradable_app):
    alice = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    publish(alice, page_source("Talks", "/talks/"), "talks.md")
    downgrade_to(BEFORE_COLLECTIONS, x_arg=["discard_data=yes"])
    assert current_revision() == BEFORE_COLLECTIONS
    assert "source_name" not in {column["name"] for column in inspect(db.engine).get_columns("revisions")}


def test_downgrading_below_site_files_keeps_every_page_and_revision(downgradable_app):
    alice = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    publish(alice, page_source("Talks", "/talks/"), "talks.md")
    before = row_counts()
    downgrade_to(BEFORE_SITE_FILES)
    assert current_revision() == BEFORE_SITE_FILES
    assert row_counts() == before


BEFORE_TWO_FACTOR = "b20b4f3a5e04"  # the down_revision of a19f2d1e3c02, which added two-factor sign-in


def test_downgrading_below_two_factor_refuses_while_an_account_uses_it_and_drops_it_when_told(downgradable_app,
                                                                                              capsys):
    alice = accounts.create_account("alice", "alice@example.org", "correct horse battery")
    db.session.execute(text("UPDATE users SET totp_secret = :secret WHERE id = :id"),
                       {"secret": "A" * 32, "id": alice.id})
    db.session.commit()
    with pytest.raises(SystemExit):
        downgrade_to(BEFORE_TWO_FACTOR)
    refusal = capsys.readouterr().err
    assert "would turn two-factor sign-in off for 1 account(s)" in refusal
    assert "flask db downgrade -x discard_data=yes" in refusal
    assert current_revision() != BEFORE_TWO_FACTOR
    assert db.session.execute(text("SELECT totp_secret FROM users")).scalars().all() == ["A" * 32]

    downgrade_to(BEFORE_TWO_FACTOR, x_arg=["discard_data=yes"])
    assert current_revision() == BEFORE_TWO_FACTOR
    columns = {column["name"] for column in inspect(db.engine).get_columns("users")}
    assert not columns & {"totp_secret", "totp_last_step", "totp_pending_secret", "must_change_password"}
    assert "recovery_codes" not in inspect(db.engine).get_table_names()
    assert db.session.execute(text("SELECT username FROM users")).scalars().all() == ["alice"]
