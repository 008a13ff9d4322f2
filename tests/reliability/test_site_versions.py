"""The public page cache is validated by the tenant's site_version: bumped by the database, atomically, whenever a
row a public page shows changes, so a change committed after a concurrent one is never hidden by a cached page."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from factories import page_source, publish, store_file
from profilehost.extensions import db
from profilehost.models import BibliographySettings, BibliographyVersion, Page, Revision, SiteFile, User, utcnow
from profilehost.services import moderation, pages, profiles, site_build, site_versions
from profilehost.services.unit_of_work import unit_of_work
from support import post_form

WRITERS = 6


def _version(tenant: User) -> int:
    return db.session.scalar(select(User.site_version).where(User.id == tenant.id).execution_options(
        populate_existing=True))


def _edit(client, page: Page, body: str) -> int:
    source = page_source("Notes", "/notes/", body).decode()
    return post_form(client, f"/dashboard/pages/{page.id}/edit",
                     {"source": source, "base_revision": str(page.current_revision), "publish": "1"}).status_code


def test_a_change_committed_after_a_concurrent_one_is_never_hidden_by_a_cached_page(logged_in, make_client):
    alice = logged_in.user
    page = publish(alice, page_source("Notes", "/notes/", "Version 1.")).page
    assert alice.site_version  # a second writer reads the tenant before the first one commits
    visitor = make_client()
    assert _edit(logged_in, page, "Version 2.") == 302
    assert "Version 2." in visitor.get("/alice/notes/").get_data(as_text=True)  # cached by the worker
    db.session.expire(page)
    pages.publish_upload(alice, page_source("Notes", "/notes/", "Version 3."), "notes.md")
    assert "Version 3." in visitor.get("/alice/notes/").get_data(as_text=True)


def test_two_writers_that_read_the_same_version_commit_two_different_versions(app, make_user):
    alice = make_user("alice")
    publish(alice, page_source("Notes", "/notes/", "Version 1."))
    before = _version(alice)
    with Session(db.engine) as first, Session(db.engine) as second:
        tenants = [session.get(User, alice.id) for session in (first, second)]
        assert [tenant.site_version for tenant in tenants] == [before, before]
        versions = []
        for session, tenant, body in ((first, tenants[0], "First."), (second, tenants[1], "Second.")):
            session.scalar(select(Page).where(Page.user_id == tenant.id)).title = body
            session.commit()
            versions.append(_version(alice))
    assert versions == [before + 1, before + 2]


def test_concurrent_writers_each_commit_a_version_of_their_own(app, make_user):
    alice = make_user("alice")
    for index in range(WRITERS):
        publish(alice, page_source(f"Page {index}", f"/p{index}/", "Draft."))
    before = _version(alice)
    engine = db.engine
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            with Session(engine) as session:
                session.get(User, alice.id).site_version  # noqa: B018 - the version every writer starts from
                barrier.wait()
                session.scalar(select(Page).where(Page.user_id == alice.id,
                                                  Page.permalink == f"/p{index}/")).title = f"Edited {index}"
                session.commit()
        except BaseException as failed:  # noqa: BLE001 - reported by the assertion below
            errors.append(failed)

    threads = [threading.Thread(target=write, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _version(alice) == before + WRITERS


def test_one_transaction_bumps_a_tenant_once_however_many_rows_it_writes(app, make_user):
    alice = make_user("alice")
    before = _version(alice)
    with unit_of_work():
        for index in range(3):
            pages.write_page(alice, page_source(f"Page {index}", f"/p{index}/"), f"p{index}.md")
            db.session.flush()
    assert _version(alice) == before + 1


CHANGES = {
    "a page's content": lambda alice: publish(alice, page_source("Notes", "/notes/", "Changed.")),
    "a page deleted": lambda alice: pages.delete_page(alice, pages.find_page(alice, "/notes/")),
    "an asset stored": lambda alice: store_file(alice),
    "a site file": lambda alice: (site_build.write_site_file(alice, "_data/cv.yml", b"name: x\n"),
                                  db.session.commit()),
    "the profile": lambda alice: profiles.update_profile(alice, {"display_name": "Alice A."}),
    "the account state": lambda alice: moderation.suspend_account(None, alice, "spam"),
    "a moderator's takedown": lambda alice: moderation.unpublish_page(None, pages.find_page(alice, "/notes/"),
                                                                      "copyright"),
    # Written directly, as no service does: the model alone makes the write bump the version.
    "the bibliography's style": lambda alice: (db.session.add(BibliographySettings(
        user_id=alice.id, style="ieee", name_forms=[])), db.session.commit()),
    "a bibliography version": lambda alice: (db.session.add(BibliographyVersion(
        user_id=alice.id, number=1, current=True, source=b"", source_name="a.bib", rendered={"entries": []},
        author_id=alice.id, created_at=utcnow())), db.session.commit()),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_a_public_page_shows_bumps_the_version_in_the_database(app, make_user, change):
    alice = make_user("alice")
    publish(alice, page_source("Notes", "/notes/", "Version 1."))
    before = _version(alice)
    alice.site_version = before - 1000  # a stale number in memory must not be what is written
    db.session.expire(alice, ["site_version"])
    change(alice)
    assert _version(alice) > before


def test_a_change_nothing_public_shows_leaves_the_version_alone(app, make_user):
    alice = make_user("alice")
    before = _version(alice)
    alice.email = "alice@example.net"
    db.session.commit()
    assert _version(alice) == before


def test_a_bulk_write_bumps_the_tenant_it_names(app, make_user):
    alice = make_user("alice")
    site_build.write_site_file(alice, "_data/cv.yml", b"name: x\n")
    db.session.commit()
    before = _version(alice)
    db.session.execute(update(SiteFile).where(SiteFile.user_id == alice.id).values(current=False))
    db.session.commit()
    assert _version(alice) == before + 1


def test_a_bulk_insert_of_revisions_bumps_the_tenant_of_their_pages(app, make_user):
    alice = make_user("alice")
    page = pages.publish_upload(alice, b"---\ntitle: A\npermalink: /a/\n---\nA\n", "a.md").page
    before = _version(alice)
    db.session.execute(insert(Revision), [{"page_id": page.id, "number": 2, "source": b"B", "title": "B",
                                           "body_html": "<p>B</p>", "content_hash": "x", "front_matter": {},
                                           "notices": [], "author_id": alice.id}])
    db.session.commit()
    assert _version(alice) == before + 1


def test_a_bulk_write_that_does_not_name_its_tenant_is_refused(app, make_user):
    make_user("alice")
    with pytest.raises(site_versions.UnversionedWrite, match="must name its tenant"):
        db.session.execute(update(SiteFile).values(current=False))
    db.session.rollback()
