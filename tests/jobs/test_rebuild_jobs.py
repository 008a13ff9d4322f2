"""A site-file change that many pages read is saved at once and those pages are rendered again by a job: through
the dashboard and the API (Huey's immediate mode runs the job inside the request that queues it), and by a real
`flask jobs worker` process. Until the job writes, each page shows its rendering from before the change; then
all of them show the new one, the public cache included."""

from __future__ import annotations

import time

import pytest

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.jobs.models import Job, JobState
from profilehost.models import User
from profilehost.services import site_build, site_files, tokens
from support import log_in, post_form

LIMIT = 2  # pages a request renders again; more go to the worker


@pytest.fixture(autouse=True)
def small_limit(server):
    server.config["SITE_REBUILD_IN_REQUEST_MAX"] = LIMIT


def site_reading_cv(alice, readers: int) -> None:
    site_files.save_site_file(alice, "_data/cv.yml", b"name: Old name\nparts: 2\n")
    for number in range(readers):
        publish(alice, page_source(f"Page {number}", f"/p{number}/", "Name: {{ site.data.cv.name }}."),
                f"p{number}.md")


def jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Job).order_by(Job.id)))


def save_cv(client, text: str, base_version: int = 1):
    return post_form(client, "/dashboard/site-files/_data/cv.yml/edit", {"text": text,
                                                                         "base_version": str(base_version)})


def test_a_change_more_pages_read_than_a_request_renders_is_saved_and_the_pages_follow_in_a_job(logged_in):
    alice = logged_in.user
    site_reading_cv(alice, 3)
    assert "Name: Old name." in logged_in.get("/alice/p0/").get_data(as_text=True)  # now in the public cache
    response = save_cv(logged_in, "name: New name\nparts: 2\n")
    (job,) = jobs()
    assert response.status_code == 302 and response.headers["Location"] == f"/dashboard/jobs/{job.id}"
    assert job.kind == "rebuild" and job.state == JobState.DONE
    assert job.pages_rendered == job.pages_total == 3
    page = logged_in.get(f"/dashboard/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "3 pages rendered again" in html
    assert "Every page that reads _data/cv.yml now shows the change." in html
    for number in range(3):
        assert "Name: New name." in logged_in.get(f"/alice/p{number}/").get_data(as_text=True)
    assert site_files.current_version(alice, "_data/cv.yml").number == 2
    assert "Pages that read _data/cv.yml" in logged_in.get("/dashboard/import").get_data(as_text=True)


def test_a_change_few_pages_read_is_rendered_in_its_request(logged_in):
    site_reading_cv(logged_in.user, LIMIT)
    response = save_cv(logged_in, "name: New name\nparts: 2\n")
    assert response.status_code == 302 and "/dashboard/jobs/" not in response.headers["Location"]
    assert jobs() == []
    assert "Name: New name." in logged_in.get("/alice/p1/").get_data(as_text=True)


def test_the_api_saves_at_once_and_says_where_the_rebuild_is(client, make_user):
    alice = make_user("alice")
    site_reading_cv(alice, 3)
    headers = {"Authorization": f"Bearer {tokens.create_token(alice, 'CI')[1]}"}
    response = client.put("/api/v1/site-files/_data/cv.yml", data=b"name: New name\nparts: 2\n", headers=headers)
    (job,) = jobs()
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2 and body["rerendered"] == []
    assert f"/dashboard/jobs/{job.id}" in body["notices"][0] and "3 pages read _data/cv.yml" in body["notices"][0]
    assert job.state == JobState.DONE and sorted(job.report["rerendered"]) == ["/p0/", "/p1/", "/p2/"]
    assert "Name: New name." in client.get("/alice/p2/").get_data(as_text=True)


def test_a_page_the_change_breaks_keeps_its_rendering_and_the_report_names_it(logged_in):
    alice = logged_in.user
    site_reading_cv(alice, 2)
    publish(alice, page_source("Ratio", "/ratio/", "Ratio: {{ 10 | divided_by: site.data.cv.parts }}."), "ratio.md")
    response = save_cv(logged_in, "name: New name\nparts: 0\n")
    (job,) = jobs()
    assert response.status_code == 302
    assert job.state == JobState.DONE and job.report["failed"][0][0] == "/ratio/"
    html = logged_in.get(f"/dashboard/jobs/{job.id}").get_data(as_text=True)
    assert "1 page could not be rendered with the new _data/cv.yml" in html and "/ratio/" in html
    assert "Ratio: 5." in logged_in.get("/alice/ratio/").get_data(as_text=True)
    assert "Name: New name." in logged_in.get("/alice/p0/").get_data(as_text=True)


def test_changes_during_each_rendering_make_the_rebuild_render_inside_its_write_and_still_finish(
        app, logged_in, monkeypatch):
    alice = logged_in.user
    site_reading_cv(alice, 3)
    seen: list[bool] = []
    real = site_build.publish_source

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        if len(seen) in (1, 4):  # the first page of each rendering before the write: another change commits
            with app.app_context():
                publish(alice, page_source("Other", f"/other-{len(seen)}/", "Unrelated."), f"other-{len(seen)}.md")
        return real(*args, **kwargs)

    monkeypatch.setattr(site_build, "publish_source", spy)
    response = save_cv(logged_in, "name: New name\nparts: 2\n")
    (job,) = jobs()
    assert response.status_code == 302 and job.state == JobState.DONE
    # two renderings with no transaction open each met a change; the third ran inside the write
    assert seen == [False] * 6 + [True] * 3
    assert "Name: New name." in logged_in.get("/alice/p1/").get_data(as_text=True)


def test_a_rebuild_job_page_is_its_owners_alone(logged_in, make_client, make_user):
    site_reading_cv(logged_in.user, 3)
    save_cv(logged_in, "name: New name\nparts: 2\n")
    (job,) = jobs()
    make_user("bob")
    bob = make_client()
    log_in(bob, "bob")
    assert bob.get(f"/dashboard/jobs/{job.id}").status_code == 404


# --- a real worker ------------------------------------------------------------------------------------------

POLLS = 600
POLL_SECONDS = 0.05


@pytest.fixture
def queued(queued_client_of):
    """A logged-in browser of an app whose rebuilds go to the real queue, and a way to start its worker."""
    return queued_client_of(SITE_REBUILD_IN_REQUEST_MAX=LIMIT)


def poll_until(condition, what: str):
    for _ in range(POLLS):
        found = condition()
        if found:
            return found
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"gave up waiting for {what}")


def test_the_worker_renders_the_pages_again_and_until_then_each_shows_the_site_as_before(app, queued):
    alice = db.session.scalar(db.select(User).where(User.username == "alice"))
    site_reading_cv(alice, 3)
    response = save_cv(queued, "name: New name\nparts: 2\n")
    (job,) = jobs()
    assert response.status_code == 302 and job.state == JobState.QUEUED
    waiting = queued.get(f"/dashboard/jobs/{job.id}")
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and 'id="pages-rendered"' in html and '<meta http-equiv="refresh"' in html
    assert "Pages that read _data/cv.yml" in queued.get("/dashboard/").get_data(as_text=True)
    assert "Name: Old name." in queued.get("/alice/p0/").get_data(as_text=True)  # the change is saved, not shown

    queued.start_worker()
    done = poll_until(lambda: (page := queued.get(f"/dashboard/jobs/{job.id}")).status_code != 202 and page,
                      "the rebuild to end")
    assert done.status_code == 200 and "3 pages rendered again" in done.get_data(as_text=True)
    for number in range(3):
        assert "Name: New name." in queued.get(f"/alice/p{number}/").get_data(as_text=True)
