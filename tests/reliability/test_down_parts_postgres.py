"""A private PostgreSQL (never the shared one) stopped and restarted under a running app: 503 while it is down,
and from the first request after it is back, 200."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest

from profilehost.extensions import db
from profilehost.services import accounts
from support import PASSWORD, log_in


class PrivatePostgres(NamedTuple):
    url: str
    pg_ctl: list[str]

    def run(self, *arguments: str) -> None:
        subprocess.run([*self.pg_ctl, *arguments], check=True, capture_output=True, timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def private_postgres():
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not binaries:
        pytest.skip("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="profilehost-pg-"))
    # initdb refuses to run as root: the server runs as the postgres account, in a folder it owns.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
    port = free_port()
    subprocess.run([*as_postgres, str(binaries[-1].parent / "initdb"), "-D", str(folder / "data"), "-A", "trust",
                    "-U", "postgres"], check=True, capture_output=True, timeout=120)
    pg_ctl = [*as_postgres, str(binaries[-1]), "-D", str(folder / "data"), "-w", "-l", str(folder / "log"),
              "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"]
    server = PrivatePostgres(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", pg_ctl)
    server.run("start")
    try:
        yield server
    finally:
        server.run("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def browser_on_private_postgres(app, make_app, private_postgres):
    served = make_app(SQLALCHEMY_DATABASE_URI=private_postgres.url)
    with served.app_context():
        db.create_all()
        accounts.create_account("alice", "alice@example.org", PASSWORD)
        db.session.remove()
    browser = served.test_client()
    assert log_in(browser, "alice").status_code == 302
    assert browser.get("/dashboard/").status_code == 200
    yield browser
    with served.app_context():
        db.session.remove()
        db.engine.dispose()
        db.drop_all()


def test_the_first_request_after_a_database_restart_succeeds(browser_on_private_postgres, private_postgres):
    private_postgres.run("restart", "-m", "fast")
    assert browser_on_private_postgres.get("/dashboard/").status_code == 200


def test_a_stopped_database_answers_503_until_it_is_back(browser_on_private_postgres, private_postgres):
    private_postgres.run("stop", "-m", "fast")
    try:
        stopped = browser_on_private_postgres.get("/dashboard/")
    finally:
        private_postgres.run("start")
    assert stopped.status_code == 503 and int(stopped.headers["Retry-After"]) > 0
    assert browser_on_private_postgres.get("/dashboard/").status_code == 200
