"""A site rebuild as a job: a change to a site file that many pages read (`_config.yml` is read by all of them) is
saved at once, and the worker renders those pages again and writes them in one short transaction, with the
progress where the dashboard reads it. Until then each page shows its rendering from before the change; visitors
never see a page half written, and the public cache follows the tenant's site_version as for any write.

The rendering follows the rule of every change (services.site_versions.write_after_rendering): no transaction is
open while it runs, and it is made again when the site changed meanwhile.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import User, utcnow
from ..services import dead_links, site_build, site_versions
from ..services.unit_of_work import unit_of_work
from .imports import ProgressWriter, finish
from .models import Job, JobState
from .queue import enqueue_rebuild

REBUILD = "rebuild"
DEFAULT_IN_REQUEST_MAX = 50
UNEXPECTED = ("The pages were not rendered again: profilehost itself stopped on an error. They still show the site "
              "as it was before the change. Save the file again with any change to try again; if it fails the same "
              "way, tell the site's administrators the time of the change.")
log = logging.getLogger(__name__)


def in_request_max() -> int:
    """How many pages a site-file change renders again inside its request; more go to the worker."""
    return int(current_app.config.get("SITE_REBUILD_IN_REQUEST_MAX", DEFAULT_IN_REQUEST_MAX))


def record_rebuild(tenant: User, path: str, pages: int) -> Job:
    """A rebuild of what reads `path`, in a unit of work: inside the change's own unit, the two commit together.
    Queue it (queue_rebuild) once committed."""
    with unit_of_work():
        job = Job(user_id=tenant.id, kind=REBUILD, state=JobState.QUEUED, archive_name=path[:255],
                  pages_total=pages)
        db.session.add(job)
        return job


def queue_rebuild(job_id: int) -> None:
    """Queue a committed rebuild. The queue being down leaves the job failed, saying how to run it again; the
    change itself is saved."""
    try:
        enqueue_rebuild(job_id)
    except Exception:
        log.exception("rebuild job %s could not be queued", job_id)
        finish(job_id, JobState.FAILED, error="The job queue was not reachable, so the pages that read this file "
                                              "were not rendered again; they show the site as before the change. "
                                              "Save the file again with any change in a minute.")


def run_rebuild(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.QUEUED:
        return
    with unit_of_work():
        job.state, job.started_at = JobState.RUNNING, utcnow()
        path, tenant_id = job.archive_name, job.user_id
    tenant = db.session.get(User, tenant_id)
    keys = site_build.keys_of_site_file(path)
    failures: list[tuple[str, str]] = []
    progress = ProgressWriter(job_id)

    def render(*, inside: bool = False) -> list[site_build.Rerendered]:
        failures.clear()
        dependents = site_build.read_dependents(tenant, keys)
        site = site_build.snapshot(tenant).context()
        addresses = dead_links.SiteAddresses.of(tenant)
        if inside:  # the progress is written on a connection of its own, which would wait for this write's lock
            return site_build.render_dependents(dependents, site, addresses, failures=failures)
        db.session.rollback()
        return site_build.render_dependents(dependents, site, addresses, failures=failures,
                                            progress=lambda done, total: progress("pages", done, total))

    def write(renderings: list[site_build.Rerendered] | None) -> None:
        if renderings is None:  # the last attempt: rendered inside the write, the tenant locked
            renderings = render(inside=True)
        done = site_build.take_renderings(tenant, renderings)
        finished = db.session.get(Job, job_id)
        finished.state, finished.finished_at = JobState.DONE, utcnow()
        finished.report = {"path": path, "rerendered": done, "failed": [list(failure) for failure in failures]}

    try:
        site_versions.write_after_rendering(db.session, tenant_id, render, write)
    except Exception:
        db.session.rollback()
        log.exception("rebuild job %s failed", job_id)
        finish(job_id, JobState.FAILED, error=UNEXPECTED)


def requeue_abandoned() -> int:
    """Rebuilds a stopped worker left running: nothing of them was written, and rendering again is harmless, so
    they are queued again (an import is not: its upload may be gone)."""
    with unit_of_work():
        ids = list(db.session.scalars(select(Job.id).where(Job.state == JobState.RUNNING, Job.kind == REBUILD)))
        if ids:
            db.session.execute(update(Job).where(Job.id.in_(ids)).values(state=JobState.QUEUED, pages_rendered=0))
    for job_id in ids:
        queue_rebuild(job_id)
    return len(ids)
