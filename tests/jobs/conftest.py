"""A logged-in browser of an app whose jobs go to the real queue (Huey's SQLite storage in the test's folder), and
a way to start `flask jobs worker` processes for it, stopped after the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from support import log_in


@pytest.fixture
def queued_client_of(make_app, make_user, tmp_path):
    workers: list[subprocess.Popen] = []

    def build(**settings):
        server = make_app(JOBS_IMMEDIATE=False, REDIS_URL=None, INSTANCE_PATH=str(tmp_path), **settings)
        make_user("alice")
        client = server.test_client()
        log_in(client, "alice")

        def start_worker() -> subprocess.Popen:
            env = {name: value for name, value in os.environ.items() if not name.startswith("PROFILEHOST_")}
            env.update(PROFILEHOST_DATABASE_URL=server.config["SQLALCHEMY_DATABASE_URI"],
                       PROFILEHOST_INSTANCE_PATH=str(tmp_path), PROFILEHOST_SECRET_KEY=server.config["SECRET_KEY"])
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "profilehost", "jobs", "worker"],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            workers.append(worker)
            return worker

        client.start_worker = start_worker
        return client

    yield build
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
