"""The job queue: long work (a site import) runs in `flask jobs worker`, never inside a request.

A job is a row of `jobs` (what the dashboard shows: state, progress, report) and a Huey task that carries only
the job's id. Huey keeps its queue in SQLite in the instance folder, or in Redis when PROFILEHOST_REDIS_URL is
set; with JOBS_IMMEDIATE (the test suite's default) a task runs at once in the request that queues it.
"""

from __future__ import annotations

from flask import Flask


def init_jobs(app: Flask) -> None:
    from . import models  # noqa: F401  (the jobs table belongs to the schema)
    from .cli import jobs_cli

    app.config.setdefault("JOBS_IMMEDIATE", app.testing)
    app.cli.add_command(jobs_cli)
