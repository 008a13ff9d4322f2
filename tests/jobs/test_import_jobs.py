"""Imports as jobs, in Huey's immediate mode (the task runs inside the request that queues it): the progress the
job records, the report the job page shows, and what a failure leaves."""

from __future__ import annotations

import io

from site_archive import build_zip, site_with

from profilehost.extensions import db
from profilehost.jobs import imports
from profilehost.jobs.models import Job, JobState
from profilehost.services import pages, site_import
from support import csrf_token_from, log_in

QUOTA = 100 * 1024 * 1024


def upload_zip(client, data: bytes, name: str = "ada-site-main.zip"):
    token = csrf_token_from(client.get("/dashboard/import").get_data(as_text=True))
    return client.post("/dashboard/import", data={"csrf_token": token, "archive": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def only_job() -> Job:
    db.session.expire_all()
    (job,) = db.session.scalars(db.select(Job)).all()
    return job


def test_an_import_reports_every_file_checked_and_every_page_rendered(make_user):
    alice = make_user("alice")
    seen: list[tuple[str, int, int]] = []
    report = site_import.import_site(alice, build_zip(), "site.zip", quota=QUOTA,
                                     progress=lambda *step: seen.append(step))
    assert report.ok
    files = [step for step in seen if step[0] == "files"]
    rendered = [step for step in seen if step[0] == "pages"]
    assert [done for _stage, done, _total in files] == list(range(1, files[0][2] + 1))
    assert rendered[0][1] == 0 and rendered[-1][1] == rendered[-1][2] > 0
    assert [done for _stage, done, _total in rendered] == list(range(rendered[-1][2] + 1))


def test_the_job_of_an_upload_keeps_its_progress_and_report_and_drops_the_zip(logged_in):
    response = upload_zip(logged_in, build_zip())
    assert response.status_code == 200
    assert "Imported 21 files from ada-site-main.zip" in response.get_data(as_text=True)
    job = only_job()
    assert job.state == JobState.DONE and job.archive is None
    assert job.files_checked == job.files_total > 21 and job.pages_rendered == job.pages_total > 0
    assert imports.report_of(job).summary() == "Imported 21 files from ada-site-main.zip; 6 skipped."
    again = logged_in.get(f"/dashboard/jobs/{job.id}")
    assert again.status_code == 200 and "Imported 21 files from ada-site-main.zip" in again.get_data(as_text=True)


def test_a_refused_archive_ends_its_job_with_the_report_and_nothing_written(logged_in):
    response = upload_zip(logged_in, build_zip(site_with({"_pages/broken.md": "---\ntitle: \"unclosed\n---\n"})))
    assert response.status_code == 422
    job = only_job()
    assert job.state == JobState.DONE and not imports.report_of(job).ok
    assert logged_in.get(f"/dashboard/jobs/{job.id}").status_code == 422
    assert pages.find_page(logged_in.user, "/cv/") is None


def test_an_error_inside_the_import_fails_the_job_with_a_message_and_writes_nothing(logged_in, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(site_import, "_notice_dead_links", broken)
    response = upload_zip(logged_in, build_zip())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in html and "error in profilehost itself" in html
    job = only_job()
    assert job.state == JobState.FAILED and job.archive is None
    assert pages.find_page(logged_in.user, "/cv/") is None


def test_a_job_page_is_its_owners_alone(logged_in, make_client, make_user):
    upload_zip(logged_in, build_zip())
    job = only_job()
    make_user("bob")
    bob = make_client()
    log_in(bob, "bob")
    assert bob.get(f"/dashboard/jobs/{job.id}").status_code == 404
    assert make_client().get(f"/dashboard/jobs/{job.id}").status_code == 302


def test_an_unreachable_queue_answers_503_and_fails_the_job(make_app, make_user, tmp_path):
    not_a_folder = tmp_path / "instance"
    not_a_folder.write_text("the queue's SQLite file cannot be made in here")
    server = make_app(JOBS_IMMEDIATE=False, REDIS_URL=None, INSTANCE_PATH=str(not_a_folder))
    make_user("alice")
    client = server.test_client()
    log_in(client, "alice")
    response = upload_zip(client, build_zip())
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "import queue is not reachable" in response.get_data(as_text=True)
    job = only_job()
    assert job.state == JobState.FAILED and job.archive is None


def test_jobs_a_dead_worker_left_running_are_failed_when_a_worker_starts(logged_in):
    upload_zip(logged_in, build_zip())
    job = only_job()
    job.state, job.report = JobState.RUNNING, None
    db.session.commit()
    assert imports.fail_abandoned_jobs() == 1
    html = logged_in.get(f"/dashboard/jobs/{job.id}").get_data(as_text=True)
    assert "The worker stopped while it ran this import" in html


def test_the_import_page_lists_the_latest_jobs_with_a_link_to_each(logged_in):
    upload_zip(logged_in, build_zip(), name="first.zip")
    upload_zip(logged_in, b"not a zip", name="second.zip")
    html = " ".join(logged_in.get("/dashboard/import").get_data(as_text=True).split())
    first, second = sorted(db.session.scalars(db.select(Job.id)).all())
    assert html.index(f"/dashboard/jobs/{second}") < html.index(f"/dashboard/jobs/{first}")
    assert "first.zip</a>: imported" in html and "second.zip</a>: refused, nothing imported" in html
