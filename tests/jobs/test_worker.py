"""A real `flask jobs worker` process consuming real jobs queued through the real upload, on the queue's SQLite
file in the instance folder: the upload answers at once, the job page shows the progress, then the report; a
worker killed in the middle of an import leaves nothing written and the job failed."""

from __future__ import annotations

import io
import signal
import time

import pytest
from site_archive import build_zip, site_with

from profilehost.extensions import db
from profilehost.jobs.models import Job, JobState
from profilehost.models import User
from profilehost.services import pages
from support import csrf_token_from

POLLS = 600  # of POLL_SECONDS each: the budget a job gets before the test gives up
POLL_SECONDS = 0.05


@pytest.fixture
def queued_client(queued_client_of):
    """A logged-in browser of an app whose imports go to the real queue, and a way to start its worker."""
    return queued_client_of()


def upload_zip(client, data: bytes):
    token = csrf_token_from(client.get("/dashboard/import").get_data(as_text=True))
    return client.post("/dashboard/import", data={"csrf_token": token, "archive": (io.BytesIO(data), "big.zip")},
                       content_type="multipart/form-data")


def the_job() -> Job:
    db.session.expire_all()
    (job,) = db.session.scalars(db.select(Job)).all()
    return job


def poll_until(condition, what: str):
    for _ in range(POLLS):
        found = condition()
        if found:
            return found
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"gave up waiting for {what}")


def alice() -> User:
    return db.session.scalar(db.select(User).where(User.username == "alice"))


def many_pages(count: int) -> dict[str, str]:
    text = "Some *text* about the work, with a [link](https://example.org/). " * 40
    return site_with({f"_pages/p{number}.md": f"---\ntitle: Page {number}\npermalink: /p{number}/\n---\n{text}\n"
                      for number in range(count)})


def test_an_upload_answers_at_once_and_the_worker_imports_it_with_progress_then_the_report(app, queued_client):
    response = upload_zip(queued_client, build_zip())
    html = response.get_data(as_text=True)
    assert response.status_code == 202
    assert '<progress id="files-checked"' in html and '<meta http-equiv="refresh"' in html
    job = the_job()
    assert job.state == JobState.QUEUED and pages.find_page(alice(), "/cv/") is None

    queued_client.start_worker()
    done = poll_until(lambda: (page := queued_client.get(f"/dashboard/jobs/{job.id}")).status_code != 202 and page,
                      "the job to end")
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Imported 21 files from big.zip" in html
    assert "<progress" not in html and "http-equiv" not in html
    job = the_job()
    assert job.files_checked == job.files_total > 0 and job.pages_rendered == job.pages_total > 0
    assert pages.find_page(alice(), "/cv/") is not None


def test_a_worker_killed_mid_import_leaves_nothing_written_and_the_next_worker_fails_the_job(app, queued_client):
    upload_zip(queued_client, build_zip(many_pages(600)))
    job_id = the_job().id
    worker = queued_client.start_worker()
    poll_until(lambda: (job := the_job()).state == JobState.RUNNING and job.pages_rendered > 0, "pages rendered")
    page = queued_client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    assert "Importing" in page and 'id="pages-rendered"' in page
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert the_job().state == JobState.RUNNING and pages.find_page(alice(), "/p0/") is None

    queued_client.start_worker()
    poll_until(lambda: the_job().state == JobState.FAILED, "the next worker to fail the abandoned job")
    html = queued_client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    assert "The worker stopped while it ran this import" in html
    assert pages.find_page(alice(), "/p0/") is None and the_job().archive is None
