"""Fixtures: an app on a real database (SQLite, or PostgreSQL when PROFILEHOST_TEST_DATABASE_URL is set),
built once per session by the migrations, emptied after each test; a client that posts real CSRF tokens."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.request import build_opener

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import URL, create_engine, inspect, make_url, text

from profilehost import config, create_app
from profilehost.extensions import db, limiter
from profilehost.services import accounts
from support import PASSWORD, SmtpSink, free_port, log_in


def pytest_report_header() -> str:
    redis = config.read_settings()["REDIS_URL"] or "memory"
    return f"profilehost database: {_engine_name(config.test_database_url())}; rate-limit storage: {redis}"


def _engine_name(url: str | None) -> str:
    return "PostgreSQL" if url and url.startswith("postgres") else "SQLite"


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """argon2id with small parameters: the same code path, a fraction of the time per login in the suite."""
    from argon2 import PasswordHasher

    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def url_builders_compiled_once():
    """Werkzeug compiles Python source for each route's URL builder whenever an app registers it: nine tenths
    of `create_app`, which most tests call twice. The builder is a pure function of the rule (its converters are
    looked up on the rule each call), so one compiled for a rule serves that rule in every app: the same code
    path, compiled once a session instead of once a test."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def remembered(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, append_unknown, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())),
               rule.map.host_matching, rule.host, rule.subdomain)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = remembered
    yield
    Rule._compile_builder = compile_builder


# Under pytest-xdist each worker process has a database of its own, and keys of its own in a shared Redis.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = config.test_database_url()
    if url is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    url = config.database_url(url, tmp_path_factory.mktemp("instance"))
    if WORKER is None:
        yield url
        return
    with _worker_database(make_url(url)) as worker_url:
        yield worker_url


@contextmanager
def _worker_database(base: URL):
    """PROFILEHOST_TEST_DATABASE_URL's database with the worker's name appended (ph_test_gw0), created from the
    given one's server when missing and dropped after the session."""
    name = f"{base.database}_{WORKER}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app_settings(database_url, instance_path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key-not-for-production",
        # CI sets PROFILEHOST_REDIS_URL on one of its runs so the rate limits are tested on Redis too; each run
        # and worker counts under keys of its own, which are all `limiter.reset()` deletes.
        "REDIS_URL": config.read_settings()["REDIS_URL"],
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"LIMITS-test-{RUN}-{WORKER or 'main'}"},
        # Admins need two-factor sign-in in production; the tests of it turn it on (tests/web/test_two_factor*).
        "ADMIN_REQUIRE_2FA": False,
    }


@pytest.fixture(scope="session")
def migrated_database(app_settings) -> str:
    """Build the schema from an empty database with the migrations, as `flask db upgrade` does."""
    app = create_app(app_settings)
    with app.app_context():
        _empty_database()
        upgrade()
    _dispose_engines(app)
    return app_settings["SQLALCHEMY_DATABASE_URI"]


def _empty_database() -> None:
    tables = inspect(db.engine).get_table_names()
    if "alembic_version" in tables:
        downgrade(revision="base", x_arg=["discard_data=yes"])  # a test database's data is never kept
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def make_app(app_settings, migrated_database):
    """Factory for apps with extra settings (registration modes, quotas...), all on the test database."""
    apps = []

    def build(**overrides):
        app = create_app({**app_settings, **overrides})
        apps.append(app)
        return app

    yield build
    if apps:
        with apps[0].app_context():
            _delete_all_rows()
            limiter.reset()
    for app in apps:
        _dispose_engines(app)


@pytest.fixture(scope="module")
def module_app(app_settings, migrated_database):
    """One app for a whole module that builds its data once and shares it between its tests (each test leaving
    it as it found it); the database is emptied after the module."""
    app = create_app(app_settings)
    yield app
    with app.app_context():
        _delete_all_rows()
        limiter.reset()
    _dispose_engines(app)


def _dispose_engines(app) -> None:
    # Every app has its own connection pool; closing it keeps PostgreSQL's connection count flat.
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _delete_all_rows() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def server(make_app):
    """The app that serves the test's requests. Separate from `app`, whose context the test holds open for
    its own queries, because a request reuses an app context already pushed for its app, and would then share
    `g` (and Flask-Login's cached user) with every other request of the test."""
    return make_app()


@pytest.fixture
def make_client(server, app):
    """A new browser: its own cookie jar, so its own session."""
    return server.test_client


@pytest.fixture
def admin_client(make_client, make_user):
    """A client logged in as the admin 'boss'."""
    make_user("boss", admin=True)
    client = make_client()
    log_in(client, "boss")
    return client


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    def create(username: str, *, admin: bool = False, password: str = PASSWORD, **kwargs):
        return accounts.create_account(username, f"{username}@example.org", password, admin=admin, **kwargs)

    return create


@pytest.fixture
def logged_in(client, make_user):
    """A client logged in as a fresh tenant 'alice'."""
    user = make_user("alice")
    response = log_in(client, "alice")
    assert response.status_code == 302
    client.user = user
    return client


GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


@pytest.fixture
def start_gunicorn(app_settings, migrated_database, instance_path):
    """Starts gunicorn (4 workers) on the test database with extra PROFILEHOST_ settings; returns its base URL."""
    processes = []

    def start(**settings: str) -> str:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEHOST_")}
        env.update(PROFILEHOST_DATABASE_URL=migrated_database, PROFILEHOST_SECRET_KEY=app_settings["SECRET_KEY"],
                   PROFILEHOST_INSTANCE_PATH=str(instance_path),
                   **{f"PROFILEHOST_{name}": value for name, value in settings.items()})
        processes.append(subprocess.Popen(
            [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "4", "--log-level", "warning", "wsgi:app"],
            cwd=Path(__file__).resolve().parents[1], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                with build_opener().open(base + "/robots.txt", timeout=1):
                    return base
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a loopback port, keeping what it receives; `smtp.app_settings()` points
    an app at it."""
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()
