"""Publishing renders first and writes in one short transaction: no transaction is open while Markdown and Liquid
run (a database's idle-in-transaction or statement timeout would turn the publish into an error), and what changed
meanwhile is re-checked inside the write."""

from __future__ import annotations

import pytest

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.services import pages, site_build
from support import post_form


@pytest.fixture
def renders(monkeypatch):
    """Every rendering of a page's own source by publish: whether a transaction was open while it ran; `during`
    runs once, inside the first rendering, as a concurrent writer would."""
    seen: list[bool] = []
    during: list = []
    real = pages.publish_source

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        if during:
            during.pop()()
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "publish_source", spy)
    return seen, during


def _save(client, page_id: int, source: bytes, base_revision: int):
    return post_form(client, f"/dashboard/pages/{page_id}/edit",
                     {"source": source.decode(), "base_revision": str(base_revision), "publish": "1"})


def test_publishing_a_page_holds_no_transaction_while_it_renders(logged_in, renders):
    page = publish(logged_in.user, page_source("Notes", "/notes/", "Version 1.")).page
    seen, _ = renders
    seen.clear()
    response = _save(logged_in, page.id, page_source("Notes", "/notes/", "Version 2."), 1)
    assert response.status_code == 302
    assert seen == [False]


def test_a_site_change_committed_while_a_page_renders_is_in_the_page_it_publishes(app, logged_in, renders):
    alice = logged_in.user
    site_build.stage_site_file(alice, "_data/cv.yml", b"name: Old name\n")
    db.session.commit()
    page = publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}.")).page
    seen, during = renders
    seen.clear()

    def concurrent_data_change():
        with app.app_context():
            site_build.stage_site_file(alice, "_data/cv.yml", b"name: New name\n")
            db.session.commit()

    during.append(concurrent_data_change)
    response = _save(logged_in, page.id, page_source("CV", "/cv/", "The name: {{ site.data.cv.name }}."), 1)
    assert response.status_code == 302
    assert len(seen) == 2 and not any(seen)
    assert "The name: New name." in logged_in.get("/alice/cv/").get_data(as_text=True)


def test_an_edit_committed_while_a_page_renders_still_makes_the_slower_one_a_conflict(app, logged_in, renders):
    alice = logged_in.user
    page = publish(alice, page_source("Notes", "/notes/", "Version 1.")).page
    _, during = renders

    def concurrent_edit():
        with app.app_context():
            pages.publish_page(alice, page_source("Notes", "/notes/", "Theirs."), "notes.md", base_revision=1)

    during.append(concurrent_edit)
    response = _save(logged_in, page.id, page_source("Notes", "/notes/", "Mine."), 1)
    assert response.status_code == 409
    db.session.expire_all()
    assert [revision.number for revision in pages.revisions_of(pages.find_page(alice, "/notes/"))] == [2, 1]
    assert "Theirs." in logged_in.get("/alice/notes/").get_data(as_text=True)


def test_a_burst_of_changes_during_every_rendering_makes_a_publish_slower_never_refused(app, logged_in, renders):
    alice = logged_in.user
    page = publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}.")).page
    seen, during = renders
    seen.clear()

    def concurrent_data_change(name: str):
        def change():
            with app.app_context():
                site_build.stage_site_file(alice, "_data/cv.yml", f"name: {name}\n".encode())
                db.session.commit()
        return change

    during.extend(concurrent_data_change(name) for name in ("Second", "First"))  # popped: First, then Second
    response = _save(logged_in, page.id, page_source("CV", "/cv/", "The name: {{ site.data.cv.name }}."), 1)
    assert response.status_code == 302
    # two renderings outside any transaction met a change each; the last ran inside the write, the tenant locked
    assert seen == [False, False, True]
    assert "The name: Second." in logged_in.get("/alice/cv/").get_data(as_text=True)
