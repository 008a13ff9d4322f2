"""A site import as a job: the upload is stored with the job, the worker imports it (all or nothing, as
services.site_import does) and records the progress and the report where the dashboard reads them."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import User, utcnow
from ..services import site_import
from ..services.unit_of_work import unit_of_work
from .models import Job, JobState
from .queue import enqueue_import

IMPORT = "import"
PROGRESS_STEPS = 100  # rows written per stage at most, however many files the archive has
ABANDONED = ("The worker stopped while it ran this import (it was restarted or killed), so nothing was imported. "
             "Upload the ZIP again.")
UNEXPECTED = ("The import stopped on an error in profilehost itself, so nothing was imported. Upload the ZIP "
              "again; if it fails the same way, tell the site's administrators the time of the upload.")
log = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The job was recorded but could not be queued (Redis or the queue file is unreachable)."""


def start_import(tenant: User, data: bytes, archive_name: str) -> Job:
    job = Job(user_id=tenant.id, kind=IMPORT, state=JobState.QUEUED, archive_name=archive_name[:255],
              archive=data)
    with unit_of_work():
        db.session.add(job)
    try:
        enqueue_import(job.id)
    except Exception as down:
        log.exception("job %s could not be queued", job.id)
        finish(job.id, JobState.FAILED, error="The import queue is not reachable; nothing was imported. Upload "
                                               "the ZIP again in a minute.")
        raise QueueUnavailable(str(down)) from None
    db.session.refresh(job)
    return job


def tenant_job(tenant: User, job_id: int) -> Job | None:
    return db.session.scalar(select(Job).where(Job.id == job_id, Job.user_id == tenant.id))


def recent_jobs(tenant: User, limit: int = 5) -> list[Job]:
    """The tenant's latest jobs, newest first: what the dashboard lists, with progress bars for those not ended."""
    return list(db.session.scalars(select(Job).where(Job.user_id == tenant.id).order_by(Job.id.desc()).limit(limit)))


def report_of(job: Job) -> site_import.ImportReport | None:
    return site_import.ImportReport.from_json(job.report) if job.report is not None else None


def run_import(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.QUEUED:
        return  # deleted with its account, or already ended as abandoned
    with unit_of_work():
        job.state, job.started_at = JobState.RUNNING, utcnow()
    tenant = db.session.get(User, job.user_id)
    try:
        report = site_import.import_site(tenant, job.archive, job.archive_name,
                                         quota=current_app.config["ASSET_QUOTA_BYTES"],
                                         progress=ProgressWriter(job_id),
                                         before_commit=lambda report: _record_done(job, report))
    except Exception:
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        finish(job_id, JobState.FAILED, error=UNEXPECTED)
        return
    if not report.ok:  # nothing was written: the refusal is recorded on its own
        finish(job_id, JobState.DONE, report=report.as_json())


def _record_done(job: Job, report: site_import.ImportReport) -> None:
    """The job's end is committed in the import's own transaction: no worker death can separate the two."""
    job.state, job.finished_at, job.report, job.archive = JobState.DONE, utcnow(), report.as_json(), None


def finish(job_id: int, state: str, **values) -> None:
    with unit_of_work():
        db.session.execute(update(Job).where(Job.id == job_id).values(state=state, finished_at=utcnow(),
                                                                      archive=None, **values))


def fail_abandoned_jobs() -> int:
    """Jobs left running by a worker that died: there is one worker process, so when it starts none is running.
    Their imports never committed (an import commits with its job's end)."""
    with unit_of_work():
        ended = db.session.execute(update(Job).where(Job.state == JobState.RUNNING, Job.kind == IMPORT).values(
            state=JobState.FAILED, finished_at=utcnow(), archive=None, error=ABANDONED)).rowcount
    return ended


class ProgressWriter:
    """Writes the progress on a connection of its own, committed at once, so the dashboard sees it while the
    import's transaction is still open. Only while reading and rendering: the import writes nothing then."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = max(1, total // PROGRESS_STEPS)
        if done not in (0, total) and done - self.written.get(stage, 0) < step:
            return
        self.written[stage] = done
        columns = ({"files_checked": done, "files_total": total} if stage == "files"
                   else {"pages_rendered": done, "pages_total": total})
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**columns))
