"""A theme's assets/ folder holds the site's own pictures and papers too (al-folio keeps the profile picture in
assets/img/): those are imported and served where the site links them; the theme's styles and scripts are not."""

from site_archive import build_zip, site_with

from factories import PDF, PNG
from profilehost.services import site_import
from profilehost.services.site_import import import_site

QUOTA = 100 * 1024 * 1024
ABOUT = "---\npermalink: /\ntitle: About\n---\n![Me](/assets/img/me.png)\n\n[Paper](/assets/pdf/paper.pdf)\n"


def imported(tenant, changes: dict):
    return import_site(tenant, build_zip(site_with(changes)), "site.zip", quota=QUOTA)


def test_pictures_and_papers_in_assets_are_served_where_the_site_links_them(make_user, client):
    alice = make_user("alice")
    report = imported(alice, {"_pages/about.md": ABOUT, "assets/img/me.png": PNG, "assets/pdf/paper.pdf": PDF,
                              "assets/css/main.css": "body { color: red }", "assets/js/site.js": "alert(1)"})
    assert report.ok, report.errors
    page = client.get("/alice/").get_data(as_text=True)
    assert 'src="/alice/assets/img/me.png' in page and 'href="/alice/assets/pdf/paper.pdf"' in page
    assert client.get("/alice/assets/img/me.png").data == PNG
    assert client.get("/alice/assets/pdf/paper.pdf").data == PDF
    assert client.get("/alice/images/img/me.png").data == PNG  # one set of names behind every file folder
    assert not any("/assets/" in notice for _path, notice in report.notices)  # no "leads nowhere"
    assert any(what.startswith("assets/ (") and why == site_import.SKIP_REASONS["assets"]
               for what, why in report.skipped)  # main.css and site.js
    assert client.get("/alice/assets/css/main.css").status_code == 404
    assert client.get("/alice/assets/js/site.js").status_code == 404


def test_a_file_in_assets_that_is_not_what_its_name_says_refuses_the_import_naming_it(make_user, client):
    report = imported(make_user("alice"), {"assets/img/me.png": b"<svg onload=alert(1)>"})
    assert not report.ok
    assert any(path == "assets/img/me.png" for path, _message in report.errors)
