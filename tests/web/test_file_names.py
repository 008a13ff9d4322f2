"""One file name per page, the one it was imported or uploaded as: the editor, the API, the export and the import
all use it, so saving a page never changes what its name decides (its title, an item's date)."""

import io
import zipfile

from site_archive import build_zip, site_with

from profilehost.extensions import db
from profilehost.services import pages, site_import, tokens
from support import post_form

# No title: Jekyll titles an item after its file name, date prefix dropped.
KEYNOTE = "---\ndate: 2024-05-01\nvenue: Somewhere\n---\nThe talk.\n"
KEYNOTE_PATH = "_talks/2024-05-01-keynote.md"


def import_keynote(tenant):
    report = site_import.import_site(tenant, build_zip(site_with({KEYNOTE_PATH: KEYNOTE})), "site.zip",
                                     quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    return next(page for page in pages.list_pages(tenant) if page.collection == "talks"
                and page.permalink.endswith("keynote/"))


def test_an_imported_item_keeps_its_title_when_saved_in_the_editor(logged_in):
    talk = import_keynote(logged_in.user)
    assert talk.title == "Keynote"
    url = f"/dashboard/pages/{talk.id}/edit"
    response = post_form(logged_in, url, {"source": KEYNOTE + "More.\n", "base_revision": "1", "publish": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = pages.owned_page(logged_in.user, talk.id)
    assert saved.title == "Keynote" and saved.current_revision == 2
    assert pages.current_revision(saved).source_name == KEYNOTE_PATH


def test_the_api_keeps_the_pages_own_name(client, logged_in):
    talk = import_keynote(logged_in.user)
    secret = tokens.create_token(logged_in.user, "CI")[1]
    response = client.put(f"/api/v1/pages{talk.permalink.rstrip('/')}", data=KEYNOTE + "Via the API.\n",
                          headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.json
    assert response.json["page"]["title"] == "Keynote"


def test_a_new_page_through_the_api_is_named_after_the_last_part_of_its_address(client, logged_in):
    secret = tokens.create_token(logged_in.user, "CI")[1]
    response = client.put("/api/v1/pages/talks/keynote", data=b"No front matter.\n",
                          headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201 and response.json["page"]["title"] == "Keynote"


def test_the_export_writes_each_page_under_its_name_and_imports_back_unchanged(logged_in, make_user):
    import_keynote(logged_in.user)
    archive = zipfile.ZipFile(io.BytesIO(logged_in.get("/dashboard/export.zip").data))
    assert f"alice-site/{KEYNOTE_PATH}" in archive.namelist()
    report = site_import.import_site(logged_in.user, logged_in.get("/dashboard/export.zip").data, "export.zip",
                                     quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    assert dict((path, what) for path, what, _url in report.imported)[KEYNOTE_PATH] == "talk: unchanged"


def test_pages_whose_names_collide_are_exported_under_their_addresses(logged_in):
    for address in ("/a/notes/", "/b/notes/"):
        pages.publish_upload(logged_in.user, f"---\ntitle: Notes\npermalink: {address}\n---\nx\n".encode(),
                             "notes.md")
    names = zipfile.ZipFile(io.BytesIO(logged_in.get("/dashboard/export.zip").data)).namelist()
    assert {"alice-site/_pages/notes.md", "alice-site/_pages/b-notes.md"} <= set(names)


def test_the_rule_reads_the_stored_name_and_falls_back_to_the_address(make_user):
    alice = make_user("alice")
    page = pages.publish_upload(alice, b"---\npermalink: /x/y/\n---\nText\n", "revision 3 of /x/y/").page
    assert pages.file_name(page) == "_pages/y.md"
    assert pages.file_name(None) == "_pages/new-page.md"
    assert pages.file_name(None, address="/") == "_pages/index.md"
