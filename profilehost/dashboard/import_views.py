"""Import a whole academicpages site from a ZIP: the upload queues a job and the page follows its progress."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from ..jobs import imports, rebuilds
from ..jobs.models import Job, JobState
from ..limits import import_limit
from . import dashboard
from .forms import ImportForm

REFRESH_SECONDS = 2


@dashboard.route("/import", methods=["GET", "POST"])
@import_limit
def import_site():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.archive.data
        try:
            job = imports.start_import(current_user, upload.read(), upload.filename or "site.zip")
        except imports.QueueUnavailable:
            return (render_template("dashboard/import.html", form=form, queue_down=True,
                                    jobs=imports.recent_jobs(current_user)), 503, {"Retry-After": "60"})
        return _job_page(job)
    return (render_template("dashboard/import.html", form=form, jobs=imports.recent_jobs(current_user)),
            422 if form.is_submitted() else 200)


@dashboard.route("/jobs/<int:job_id>")
def import_job(job_id: int):
    job = imports.tenant_job(current_user, job_id)
    if job is None:
        abort(404)
    return _job_page(job)


def _job_page(job: Job):
    """202 while the job waits or runs (the page refreshes itself), then the report: 200, or 422 when the archive
    was refused, as the import answered when it ran inside the request. A site rebuild's page likewise."""
    refresh = f"{REFRESH_SECONDS};url={url_for('dashboard.import_job', job_id=job.id)}" if job.active else None
    if job.kind == rebuilds.REBUILD:
        return render_template("dashboard/rebuild_job.html", job=job, report=job.report, refresh=refresh,
                               states=JobState), 202 if job.active else 200
    report = imports.report_of(job)
    status = 202 if job.active else 422 if report is not None and not report.ok else 200
    return render_template("dashboard/job.html", job=job, report=report, refresh=refresh, states=JobState), status
