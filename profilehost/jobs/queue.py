"""One Huey per app, made on first use (creating the app opens no file and no connection)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

QUEUE_NAME = "profilehost"
QUEUE_FILE = "jobs.sqlite3"
log = logging.getLogger(__name__)


def job_queue(app: Flask | None = None) -> Huey:
    app = app or current_app._get_current_object()
    queue = app.extensions.get("profilehost.jobs")
    if queue is None:
        queue = app.extensions["profilehost.jobs"] = _make_queue(app)
    return queue


def _make_queue(app: Flask) -> Huey:
    immediate = bool(app.config["JOBS_IMMEDIATE"])
    if app.config["REDIS_URL"] and not immediate:
        queue = RedisHuey(QUEUE_NAME, url=app.config["REDIS_URL"], results=False)
    else:
        folder = Path(app.instance_path)
        folder.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey(QUEUE_NAME, filename=str(folder / QUEUE_FILE), results=False, immediate=immediate)
    _register_tasks(app, queue)
    return queue


def _register_tasks(app: Flask, queue: Huey) -> None:
    from .imports import run_import

    @queue.task(name="import_site")
    def import_site_task(job_id: int) -> None:
        # The consumer runs tasks in threads of its own, which share no app context with anything.
        with app.app_context():
            run_import(job_id)

    app.extensions["profilehost.jobs.import_site"] = import_site_task

    from .rebuilds import run_rebuild

    @queue.task(name="rebuild_site")
    def rebuild_site_task(job_id: int) -> None:
        with app.app_context():
            run_rebuild(job_id)

    app.extensions["profilehost.jobs.rebuild_site"] = rebuild_site_task

    from .mail import register_mail_task

    register_mail_task(app, queue)

    from .domains import register_domain_tasks

    register_domain_tasks(app, queue)


def enqueue_import(job_id: int) -> None:
    job_queue()
    current_app.extensions["profilehost.jobs.import_site"](job_id)


def enqueue_rebuild(job_id: int) -> None:
    job_queue()
    current_app.extensions["profilehost.jobs.rebuild_site"](job_id)
