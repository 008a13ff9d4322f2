"""Every change renders first and writes in one short transaction: no transaction is open while Markdown and Liquid
run (a database's idle-in-transaction or statement timeout would turn the change into an error), and what changed
meanwhile is re-checked inside the write. A publish, the listings it changes, a deletion, a site file and the pages
that read it, an import."""

from __future__ import annotations

import io

import pytest
from site_archive import build_zip

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.services import bibliography, pages, site_build, site_files, site_import
from support import csrf_token_from, post_form


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
    site_build.write_site_file(alice, "_data/cv.yml", b"name: Old name\n")
    db.session.commit()
    page = publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}.")).page
    seen, during = renders
    seen.clear()

    def concurrent_data_change():
        with app.app_context():
            site_build.write_site_file(alice, "_data/cv.yml", b"name: New name\n")
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
            pages.save_edit(alice, page_source("Notes", "/notes/", "Theirs."), page, base_revision=1)

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
                site_build.write_site_file(alice, "_data/cv.yml", f"name: {name}\n".encode())
                db.session.commit()
        return change

    during.extend(concurrent_data_change(name) for name in ("Second", "First"))  # popped: First, then Second
    response = _save(logged_in, page.id, page_source("CV", "/cv/", "The name: {{ site.data.cv.name }}."), 1)
    assert response.status_code == 302
    # two renderings outside any transaction met a change each; the last ran inside the write, the tenant locked
    assert seen == [False, False, True]
    assert "The name: Second." in logged_in.get("/alice/cv/").get_data(as_text=True)


# --- what a change renders besides the page itself: listings, pages that read a site file, imports -------------

LISTING = page_source("Publications", "/publications/",
                      "{% for paper in site.publications %}Listed: {{ paper.title }}. {% endfor %}")


def item_source(title: str) -> bytes:
    return page_source(title, f"/publications/{title.lower().replace(' ', '-')}/", f"About {title}.")


def publish_item(alice, title: str):
    return pages.publish_upload(alice, item_source(title), f"_publications/{title.lower().replace(' ', '-')}.md",
                                collection="publications")


@pytest.fixture
def dependent_renders(monkeypatch):
    """Every rendering of a page that reads what changed (a listing, a page reading a data file): whether a
    transaction was open while it ran; `during` runs once, inside the next such rendering."""
    seen: list[bool] = []
    during: list = []
    real = site_build.publish_source

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        if during:
            during.pop()()
        return real(*args, **kwargs)

    monkeypatch.setattr(site_build, "publish_source", spy)
    return seen, during


def test_the_listing_of_a_published_item_is_rendered_again_with_no_transaction_open(logged_in, dependent_renders):
    alice = logged_in.user
    publish(alice, LISTING)
    seen, _ = dependent_renders
    seen.clear()
    publish_item(alice, "Paper one")
    assert seen == [False]
    assert "Listed: Paper one." in logged_in.get("/alice/publications/").get_data(as_text=True)


def test_an_item_published_while_a_listing_renders_is_in_the_listing_written(app, logged_in, dependent_renders):
    alice = logged_in.user
    publish(alice, LISTING)
    seen, during = dependent_renders
    seen.clear()

    def concurrent_item():
        with app.app_context():
            publish_item(alice, "Paper two")

    during.append(concurrent_item)
    publish_item(alice, "Paper one")
    # the listing was rendered for Paper one, met Paper two's commit, and was rendered again with both
    assert len(seen) == 3 and not any(seen)
    listing = logged_in.get("/alice/publications/").get_data(as_text=True)
    assert "Listed: Paper one." in listing and "Listed: Paper two." in listing


def test_deleting_and_restoring_an_item_renders_its_listing_with_no_transaction_open(logged_in, dependent_renders):
    alice = logged_in.user
    publish(alice, LISTING)
    item = publish_item(alice, "Paper one").page
    seen, _ = dependent_renders
    seen.clear()
    response = post_form(logged_in, f"/dashboard/pages/{item.id}/delete", {}, form_url="/dashboard/")
    assert response.status_code == 302
    assert seen == [False]
    assert "Listed: Paper one." not in logged_in.get("/alice/publications/").get_data(as_text=True)
    response = post_form(logged_in, f"/dashboard/pages/{item.id}/undelete", {}, form_url="/dashboard/")
    assert response.status_code == 302
    assert seen == [False, False]
    assert "Listed: Paper one." in logged_in.get("/alice/publications/").get_data(as_text=True)


def _save_site_file(client, path: str, text: str, base_version: int):
    return post_form(client, f"/dashboard/site-files/{path}/edit", {"text": text, "base_version": str(base_version)})


def test_a_data_file_saved_renders_the_pages_that_read_it_with_no_transaction_open(logged_in, dependent_renders):
    alice = logged_in.user
    site_files.save_site_file(alice, "_data/cv.yml", b"name: Old name\n")
    publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}."))
    seen, _ = dependent_renders
    seen.clear()
    response = _save_site_file(logged_in, "_data/cv.yml", "name: New name\n", 1)
    assert response.status_code == 302
    assert seen == [False]
    assert "Name: New name." in logged_in.get("/alice/cv/").get_data(as_text=True)


def test_a_page_edited_while_a_data_file_change_renders_it_is_written_as_edited_with_the_new_data(
        app, logged_in, dependent_renders):
    alice = logged_in.user
    site_files.save_site_file(alice, "_data/cv.yml", b"name: Old name\n")
    publish(alice, page_source("CV", "/cv/", "Name: {{ site.data.cv.name }}."))
    seen, during = dependent_renders
    seen.clear()

    def concurrent_edit():
        with app.app_context():
            publish(alice, page_source("CV", "/cv/", "Edited. Name: {{ site.data.cv.name }}."), "cv.md")

    during.append(concurrent_edit)
    response = _save_site_file(logged_in, "_data/cv.yml", "name: New name\n", 1)
    assert response.status_code == 302
    assert len(seen) == 2 and not any(seen)
    assert "Edited. Name: New name." in logged_in.get("/alice/cv/").get_data(as_text=True)


def test_an_import_renders_every_page_with_no_transaction_open_and_locks_the_tenant_only_to_write(
        app, logged_in, monkeypatch):
    seen: list[bool] = []
    during: list = []
    real = site_import.publish_source
    alice = logged_in.user

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        if during:
            during.pop()()
        return real(*args, **kwargs)

    def concurrent_publish():
        # a write to the same site while the import renders: it neither waits for the import nor is lost
        with app.app_context():
            publish(alice, page_source("Notes", "/notes/", "Written during the import."))

    monkeypatch.setattr(site_import, "publish_source", spy)
    during.append(concurrent_publish)
    token = csrf_token_from(logged_in.get("/dashboard/import").get_data(as_text=True))
    response = logged_in.post("/dashboard/import", data={"csrf_token": token,
                                                         "archive": (io.BytesIO(build_zip()), "site.zip")},
                              content_type="multipart/form-data")
    assert response.status_code == 200
    assert len(seen) > 10 and not any(seen)
    assert "Written during the import." in logged_in.get("/alice/notes/").get_data(as_text=True)
    assert pages.find_page(alice, "/publications/") is not None


BIB = b"@article{looms2023, title={Looms Revisited}, author={Lovelace, Ada}, journal={J}, year={2023}}\n"


@pytest.fixture
def formats(logged_in, dependent_renders, monkeypatch):
    """A tenant with a page that lists the bibliography; each formatting of the entries: whether a transaction was
    open while it ran. Then each rendering of the listing page, likewise (from `dependent_renders`)."""
    publish(logged_in.user, page_source("Publications", "/publications/", body="{% bibliography %}"),
            "publications.md")
    formatting: list[bool] = []
    real_format = bibliography.format_entries

    def spy(*args, **kwargs):
        formatting.append(db.session().in_transaction())
        return real_format(*args, **kwargs)

    monkeypatch.setattr(bibliography, "format_entries", spy)
    return formatting, dependent_renders[0]


def test_a_bibliography_saved_is_formatted_and_its_list_rendered_with_no_transaction_open(logged_in, formats):
    formatting, seen = formats
    seen.clear()
    bibliography.save_bibliography(logged_in.user, BIB)
    assert formatting == [False] and seen == [False]
    assert "Looms Revisited" in logged_in.get("/alice/publications/").get_data(as_text=True)


def test_a_new_citation_style_formats_the_list_again_with_no_transaction_open(logged_in, formats):
    formatting, seen = formats
    bibliography.save_bibliography(logged_in.user, BIB)
    formatting.clear()
    seen.clear()
    bibliography.save_settings(logged_in.user, "ieee", "")
    assert formatting == [False] and seen == [False]
    listed = logged_in.get("/alice/publications/").get_data(as_text=True)
    assert "Looms Revisited" in listed and bibliography.settings_of(logged_in.user).style == "ieee"
