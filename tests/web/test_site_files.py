"""Site files from the dashboard and the API: a save renders the pages that read the file at once; a refusal
changes nothing; history and restore; one tenant never reaches another's files. And the editor's preview in the
public theme, which stores nothing."""

from __future__ import annotations

import html
import io

import html5lib
import pytest
from site_archive import build_zip

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.models import Page, Revision, SiteFile
from profilehost.services import pages, site_files, site_import, tokens
from support import csrf_token_from, log_in, post_form

CV = b"---\ntitle: CV\npermalink: /cv/\n---\n{% for job in site.data.cv.jobs %}\n* {{ job }}\n{% endfor %}\n"


@pytest.fixture
def alice_cv(logged_in):
    publish(logged_in.user, CV, "_pages/cv.md")
    return logged_in


def upload(client, name: str, raw: bytes, path: str = ""):
    token = csrf_token_from(client.get("/dashboard/site-files").get_data(as_text=True))
    return client.post("/dashboard/site-files", data={"csrf_token": token, "path": path,
                                                      "file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def versions(tenant, path: str) -> list[int]:
    db.session.expire_all()
    return [version.number for version in site_files.versions_of(tenant, path)]


def test_uploading_a_data_file_shows_its_values_on_the_page_that_reads_it_at_once(alice_cv, client):
    response = upload(alice_cv, "cv.yml", b"jobs: [Lecturer, Professor]\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved _data/cv.yml; 1 page rendered again: /cv/" in html
    assert "<code>_data/cv.yml</code>" in html
    public = client.get("/alice/cv/").get_data(as_text=True)
    assert "Lecturer" in public and "Professor" in public


def test_a_file_no_page_reads_says_so(logged_in):
    html = upload(logged_in, "people.json", b'{"ada": "Lovelace"}').get_data(as_text=True)
    assert "Saved _data/people.json; no page reads it yet." in html


@pytest.mark.parametrize(("filename", "path"), [
    ("cv.yml", "_data/cv.yml"), ("talks.csv", "_data/talks.csv"), ("_config.yml", "_config.yml"),
    ("toc.html", "_includes/toc.html"), ("C:\\site\\cv.yaml", "_data/cv.yaml"), ("notes.txt", "notes.txt"),
])
def test_an_upload_goes_where_its_name_says(filename, path):
    assert site_files.path_for_upload(filename) == path


def test_an_explicit_path_wins_over_the_file_name(alice_cv):
    upload(alice_cv, "anything.yml", b"jobs: [Dean]\n", path="_data/cv.yml")
    assert site_files.current_version(alice_cv.user, "_data/cv.yml").source == b"jobs: [Dean]\n"


def test_bad_yaml_is_refused_with_its_line_and_nothing_changes(alice_cv, client):
    upload(alice_cv, "cv.yml", b"jobs: [Lecturer]\n")
    response = upload(alice_cv, "cv.yml", b"jobs: [Lecturer]\ntitle: [unclosed\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "_data/cv.yml, line" in html and 'aria-invalid="true"' in html
    assert versions(alice_cv.user, "_data/cv.yml") == [1]
    assert "Lecturer" in client.get("/alice/cv/").get_data(as_text=True)


def test_a_path_that_is_not_a_site_file_is_refused_on_the_path_field(logged_in):
    response = upload(logged_in, "x.yml", b"a: 1\n", path="_layouts/default.html")
    assert response.status_code == 422
    assert 'id="path-error"' in response.get_data(as_text=True)
    assert site_files.list_site_files(logged_in.user) == []


def test_editing_saves_a_new_version_and_a_refused_edit_keeps_the_text(alice_cv, client):
    upload(alice_cv, "cv.yml", b"jobs: [Lecturer]\n")
    url = "/dashboard/site-files/_data/cv.yml/edit"
    assert "jobs: [Lecturer]" in alice_cv.get(url).get_data(as_text=True)
    refused = post_form(alice_cv, url, {"text": "jobs: [Reader\n", "base_version": "1"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Not saved." in html and "_data/cv.yml, line" in html and "jobs: [Reader" in html
    saved = post_form(alice_cv, url, {"text": "jobs: [Reader]\r\n", "base_version": "1"}, follow_redirects=True)
    assert "Saved _data/cv.yml; 1 page rendered again: /cv/" in saved.get_data(as_text=True)
    assert site_files.current_version(alice_cv.user, "_data/cv.yml").source == b"jobs: [Reader]\n"
    assert "Reader" in client.get("/alice/cv/").get_data(as_text=True)


def test_a_stale_edit_is_a_conflict_that_keeps_the_text(alice_cv):
    upload(alice_cv, "cv.yml", b"jobs: [One]\n")
    upload(alice_cv, "cv.yml", b"jobs: [Two]\n")
    response = post_form(alice_cv, "/dashboard/site-files/_data/cv.yml/edit",
                         {"text": "jobs: [Mine]\n", "base_version": "1"})
    assert response.status_code == 409
    assert "changed since you opened it" in response.get_data(as_text=True)
    assert versions(alice_cv.user, "_data/cv.yml") == [2, 1]


def test_history_shows_versions_and_restore_saves_an_old_one_again(alice_cv, client):
    upload(alice_cv, "cv.yml", b"jobs: [First]\n")
    upload(alice_cv, "cv.yml", b"jobs: [Second]\n")
    history = alice_cv.get("/dashboard/site-files/_data/cv.yml/history").get_data(as_text=True)
    assert "alice" in history and "Restore<span class=\"visually-hidden\"> version 1" in history
    old = alice_cv.get("/dashboard/site-files/_data/cv.yml/versions/1").get_data(as_text=True)
    assert "jobs: [First]" in old
    restored = post_form(alice_cv, "/dashboard/site-files/_data/cv.yml/versions/1/restore", {},
                         form_url="/dashboard/site-files/_data/cv.yml/history", follow_redirects=True)
    assert "Restored version 1 as version 3 of _data/cv.yml; 1 page rendered again: /cv/" in \
        restored.get_data(as_text=True)
    assert versions(alice_cv.user, "_data/cv.yml") == [3, 2, 1]
    assert "First" in client.get("/alice/cv/").get_data(as_text=True)


def test_delete_takes_the_file_out_and_its_history_can_bring_it_back(alice_cv, client):
    upload(alice_cv, "cv.yml", b"jobs: [Gone]\n")
    response = post_form(alice_cv, "/dashboard/site-files/_data/cv.yml/delete", {},
                         form_url="/dashboard/site-files", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Deleted _data/cv.yml; 1 page rendered again: /cv/" in html and "Deleted site files" in html
    assert "Gone" not in client.get("/alice/cv/").get_data(as_text=True)
    assert alice_cv.get("/dashboard/site-files/_data/cv.yml/edit").status_code == 404
    post_form(alice_cv, "/dashboard/site-files/_data/cv.yml/versions/1/restore", {},
              form_url="/dashboard/site-files/_data/cv.yml/history")
    assert "Gone" in client.get("/alice/cv/").get_data(as_text=True)


def test_delete_needs_csrf(alice_cv):
    upload(alice_cv, "cv.yml", b"jobs: [Kept]\n")
    assert alice_cv.post("/dashboard/site-files/_data/cv.yml/delete").status_code == 400
    assert site_files.current_version(alice_cv.user, "_data/cv.yml") is not None


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/dashboard/site-files/_data/cv.yml/edit"), ("POST", "/dashboard/site-files/_data/cv.yml/edit"),
    ("GET", "/dashboard/site-files/_data/cv.yml/history"), ("GET", "/dashboard/site-files/_data/cv.yml/versions/1"),
    ("POST", "/dashboard/site-files/_data/cv.yml/versions/1/restore"),
    ("POST", "/dashboard/site-files/_data/cv.yml/delete"),
])
def test_another_tenant_cannot_see_edit_or_delete_the_files(alice_cv, make_client, make_user, method, url):
    upload(alice_cv, "cv.yml", b"jobs: [Private]\n")
    make_user("bob")
    bob = make_client()
    log_in(bob, "bob")
    token = csrf_token_from(bob.get("/dashboard/site-files").get_data(as_text=True))
    response = bob.open(url, method=method, data={"csrf_token": token, "text": "jobs: [Bob]\n"})
    assert response.status_code == 404
    assert "Private" not in bob.get("/dashboard/site-files").get_data(as_text=True)
    assert versions(alice_cv.user, "_data/cv.yml") == [1]


def test_navigation_yml_sets_the_menu_as_an_import_does(logged_in, client):
    publish(logged_in.user, page_source("Home", "/"))
    publish(logged_in.user, page_source("Talks", "/talks/"))
    navigation = (b"main:\n  - title: Talks given\n    url: /talks/\n  - title: Nowhere\n    url: /missing/\n"
                  b"  - title: 3\n")
    html = upload(logged_in, "navigation.yml", navigation).get_data(as_text=True)
    assert "Saved _data/navigation.yml" in html
    assert "the menu entry &#39;Nowhere&#39; (/missing/) is not shown" in html
    assert "entry 3 left out" in html
    menu = client.get("/alice/").get_data(as_text=True).split('class="masthead__menu"', 1)[1].split("</ul>")[0]
    assert "Talks given" in menu and "Nowhere" not in menu
    refused = upload(logged_in, "navigation.yml", b"other: []\n")
    assert refused.status_code == 422 and "needs a &#39;main:&#39; list" in refused.get_data(as_text=True)
    post_form(logged_in, "/dashboard/site-files/_data/navigation.yml/delete", {}, form_url="/dashboard/site-files")
    db.session.expire_all()
    assert logged_in.user.profile.navigation is None


def test_config_yml_updates_the_profile_from_its_author_block(logged_in, client):
    html = upload(logged_in, "_config.yml", b'title: Site\nauthor:\n  name: "Ada Config"\n  bio: "Counts."\n'
                  ).get_data(as_text=True)
    assert "Saved _config.yml" in html and "the profile was updated from the author: block" in html
    db.session.expire_all()
    assert logged_in.user.profile.display_name == "Ada Config"
    publish(logged_in.user, page_source("Home", "/", author_profile="true"))
    assert "Ada Config" in client.get("/alice/").get_data(as_text=True)


def test_the_dashboard_navigation_links_to_site_files(logged_in):
    assert 'href="/dashboard/site-files"' in logged_in.get("/dashboard/").get_data(as_text=True)


# --- the API ----------------------------------------------------------------------------------------------------

@pytest.fixture
def api(make_user):
    alice = make_user("alice")
    publish(alice, CV, "_pages/cv.md")
    return alice, {"Authorization": f"Bearer {tokens.create_token(alice, 'CI')[1]}"}


def test_api_put_get_list_and_delete_a_site_file(client, api):
    _alice, auth = api
    put = client.put("/api/v1/site-files/_data/cv.yml", data=b"jobs: [Lecturer]\n", headers=auth)
    assert put.status_code == 200
    assert put.json == {"path": "_data/cv.yml", "version": 1, "unchanged": False, "rerendered": ["/cv/"],
                        "notices": []}
    assert "Lecturer" in client.get("/alice/cv/").get_data(as_text=True)
    again = client.put("/api/v1/site-files/_data/cv.yml", data=b"jobs: [Lecturer]\n", headers=auth)
    assert again.json["unchanged"] is True and again.json["rerendered"] == []
    got = client.get("/api/v1/site-files/_data/cv.yml", headers=auth)
    assert got.data == b"jobs: [Lecturer]\n" and got.mimetype == "application/yaml"
    listed = client.get("/api/v1/site-files", headers=auth).json["site_files"]
    assert [(found["path"], found["size"], found["versions"]) for found in listed] == [("_data/cv.yml", 17, 1)]
    deleted = client.delete("/api/v1/site-files/_data/cv.yml", headers=auth)
    assert deleted.status_code == 200 and deleted.json["rerendered"] == ["/cv/"]
    assert client.get("/api/v1/site-files/_data/cv.yml", headers=auth).status_code == 404
    assert client.delete("/api/v1/site-files/_data/cv.yml", headers=auth).json["error"] == "Not found"


def test_api_refuses_bad_yaml_and_other_paths_with_json(client, api):
    alice, auth = api
    bad = client.put("/api/v1/site-files/_data/cv.yml", data=b"jobs: [oops\n", headers=auth)
    assert bad.status_code == 422 and "_data/cv.yml, line" in bad.json["message"]
    elsewhere = client.put("/api/v1/site-files/_layouts/default.html", data=b"<html>", headers=auth)
    assert elsewhere.status_code == 422 and elsewhere.json["error"] == "Refused"
    assert site_files.list_site_files(alice) == []


@pytest.mark.parametrize("header", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
@pytest.mark.parametrize(("method", "url"), [("GET", "/api/v1/site-files"), ("GET", "/api/v1/site-files/_config.yml"),
                                             ("PUT", "/api/v1/site-files/_data/cv.yml"),
                                             ("DELETE", "/api/v1/site-files/_data/cv.yml")])
def test_api_site_files_need_a_valid_token(client, api, header, method, url):
    response = client.open(url, method=method, data=b"jobs: [Forged]\n", headers=header)
    assert response.status_code == 401 and response.json["error"] == "Unauthorized"
    assert site_files.list_site_files(api[0]) == []


def test_a_token_reaches_only_its_owners_site_files(client, api, make_user):
    _alice, auth = api
    client.put("/api/v1/site-files/_data/cv.yml", data=b"jobs: [Alice]\n", headers=auth)
    bob = {"Authorization": f"Bearer {tokens.create_token(make_user('bob'), 'CI')[1]}"}
    assert client.get("/api/v1/site-files/_data/cv.yml", headers=bob).status_code == 404
    assert client.delete("/api/v1/site-files/_data/cv.yml", headers=bob).status_code == 404
    assert client.get("/api/v1/site-files", headers=bob).json["site_files"] == []


# --- the editor's preview in the public theme -------------------------------------------------------------------

def stored_counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (db.session.query(Page).count(), db.session.query(Revision).count(), db.session.query(SiteFile).count())


def test_the_preview_is_the_themed_page_with_site_data_and_stores_nothing(alice_cv):
    alice = alice_cv.user
    site_files.save_site_file(alice, "_data/cv.yml", b"jobs: [Lecturer]\n")
    publish(alice, page_source("Home", "/", nav_order=1))
    page = pages.find_page(alice, "/cv/")
    before = stored_counts()
    source = CV.decode().replace("title: CV", "title: CV draft\nauthor_profile: true") + "\nNew paragraph.\n"
    response = post_form(alice_cv, f"/dashboard/pages/{page.id}/preview", {"source": source},
                         form_url=f"/dashboard/pages/{page.id}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: not published." in html and "/alice/cv/" in html
    assert "Lecturer" in html and "New paragraph." in html
    assert 'class="masthead__menu"' in html and '<aside class="author"' in html
    assert html.index('class="preview-banner"') < html.index('class="masthead"')
    # The banner and its stylesheet go around the page's own tags, which stay tags (not text on the page).
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    assert document.find("body").get("class") == "theme" and "&lt;" not in html.split('<main', 1)[0]
    assert document.find("head/link[@href='/static/css/preview.css']") is not None
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert stored_counts() == before
    assert "New paragraph." not in pages.current_revision(pages.find_page(alice, "/cv/")).body_html


def test_a_new_page_can_be_previewed_and_a_broken_one_is_explained(logged_in):
    fresh = post_form(logged_in, "/dashboard/pages/preview", {"source": page_source("Fresh", "/fresh/").decode()},
                      form_url="/dashboard/pages/new")
    assert fresh.status_code == 200 and "Preview: not published." in fresh.get_data(as_text=True)
    broken = post_form(logged_in, "/dashboard/pages/preview", {"source": "---\ntitle: [oops\n---\n"},
                       form_url="/dashboard/pages/new")
    assert broken.status_code == 422 and "line" in broken.get_data(as_text=True)
    assert broken.headers["X-Robots-Tag"].startswith("noindex")
    assert pages.list_pages(logged_in.user) == []


def test_the_preview_needs_csrf_and_another_tenant_gets_404(alice_cv, make_client, make_user):
    page = pages.find_page(alice_cv.user, "/cv/")
    assert alice_cv.post(f"/dashboard/pages/{page.id}/preview", data={"source": "x"}).status_code == 400
    make_user("bob")
    bob = make_client()
    log_in(bob, "bob")
    response = post_form(bob, f"/dashboard/pages/{page.id}/preview", {"source": "x"}, form_url="/dashboard/pages/new")
    assert response.status_code == 404


def test_the_editor_offers_the_themed_preview_and_its_inline_preview_reads_the_site(alice_cv):
    site_files.save_site_file(alice_cv.user, "_data/cv.yml", b"jobs: [Lecturer]\n")
    page = pages.find_page(alice_cv.user, "/cv/")
    editor = alice_cv.get(f"/dashboard/pages/{page.id}/edit").get_data(as_text=True)
    assert f'formaction="/dashboard/pages/{page.id}/preview"' in editor and 'formtarget="_blank"' in editor
    inline = post_form(alice_cv, f"/dashboard/pages/{page.id}/edit", {"source": CV.decode(), "preview": "1"})
    assert "Lecturer" in inline.get_data(as_text=True).split('class="preview-body"', 1)[1]


BOOK_LAYOUT = (b"---\nlayout: default\n---\n<article class=\"book\"><h1>{{ page.title }}</h1>"
               b"<p>Publisher: {{ page.publisher }}</p>{{ content }}</article>\n")


def test_a_layout_of_the_sites_own_lays_out_the_pages_that_name_it_from_the_moment_it_is_uploaded(logged_in, client):
    publish(logged_in.user, b"---\ntitle: A Book\nlayout: book\npublisher: Small Press\nauthor_profile: true\n---\n"
                            b"It begins.\n", "_pages/book.md")
    before = client.get("/alice/book/").get_data(as_text=True)
    assert "Publisher" not in before and before.count("<h1") == 1
    html = upload(logged_in, "book.html", BOOK_LAYOUT, path="_layouts/book.html").get_data(as_text=True)
    assert "Saved _layouts/book.html; 1 page rendered again: /book/" in html
    page = client.get("/alice/book/").get_data(as_text=True)
    assert "<p>Publisher: Small Press</p>" in page and "It begins." in page
    # academicpages' default layout: the site's layout writes the one title, and there is no author sidebar
    assert page.count("<h1") == 1 and '<article class="book"><h1>A Book</h1>' in page
    assert "layout--with-author" not in page


def test_a_theme_layout_cannot_be_replaced_and_the_refusal_says_why(logged_in):
    response = upload(logged_in, "default.html", b"---\n---\n{{ content }}", path="_layouts/default.html")
    assert response.status_code == 422
    assert "'default' is a layout of the theme" in html.unescape(response.get_data(as_text=True))
    assert site_files.list_site_files(logged_in.user) == []


def test_navigation_yml_is_taken_by_the_pages_upload_too(logged_in):
    publish(logged_in.user, page_source("Talks", "/talks/"))
    token = csrf_token_from(logged_in.get("/dashboard/").get_data(as_text=True))
    response = logged_in.post("/dashboard/upload", content_type="multipart/form-data", data={
        "csrf_token": token, "files": [(io.BytesIO(b"main:\n  - title: Talks given\n    url: /talks/\n"),
                                        "navigation.yml")]})
    assert response.status_code == 200 and "Saved _data/navigation.yml" in response.get_data(as_text=True)
    db.session.expire_all()
    assert logged_in.user.profile.navigation == [{"title": "Talks given", "url": "/talks/"}]


def test_a_zip_of_the_menu_alone_updates_the_menu_and_nothing_else(logged_in):
    publish(logged_in.user, page_source("Talks", "/talks/"))
    archive = build_zip({"_data/navigation.yml": "main:\n  - title: Talks given\n    url: /talks/\n"}, top=None)
    report = site_import.import_site(logged_in.user, archive, "menu.zip", quota=10_000_000)
    assert report.ok, report.errors
    assert any("holds only site files (_data/navigation.yml)" in notice for _path, notice in report.notices)
    db.session.expire_all()
    assert logged_in.user.profile.navigation == [{"title": "Talks given", "url": "/talks/"}]
    assert [page.permalink for page in pages.list_pages(logged_in.user)] == ["/talks/"]


def test_a_zip_with_nothing_of_a_site_is_still_refused(logged_in):
    report = site_import.import_site(logged_in.user, build_zip({"notes.txt": "hello"}, top=None), "x.zip",
                                     quota=10_000_000)
    assert not report.ok and "Is it an academicpages repository?" in report.errors[0][1]
