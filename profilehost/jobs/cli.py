"""`flask jobs worker`: the one process that runs the queue's jobs."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from .imports import fail_abandoned_jobs
from .queue import job_queue
from .rebuilds import requeue_abandoned

jobs_cli = AppGroup("jobs", help="The job queue (site imports and rebuilds).")


@jobs_cli.command("worker")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Jobs run at once (default: PROFILEHOST_JOBS_WORKERS, else 1).")
def worker(threads: int | None) -> None:
    """Run queued jobs until stopped (Ctrl-C or SIGINT ends it after the running jobs; SIGTERM at once).

    Run exactly one worker process per site (give it threads, not copies): on start it marks the jobs a dead
    worker left running as failed."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    queue = job_queue()
    if queue.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run inside requests and there is no queue to work.")
    abandoned = fail_abandoned_jobs()
    if abandoned:
        click.echo(f"{abandoned} import(s) left running by a stopped worker marked failed; nothing of them was "
                   "written.")
    requeued = requeue_abandoned()
    if requeued:
        click.echo(f"{requeued} site rebuild(s) left running by a stopped worker queued again.")
    workers = threads or current_app.config["JOBS_WORKERS"]
    queue.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
