import io
import re
import zipfile
from html import unescape

import pytest

from factories import PDF, PNG, SITE, page_source, publish, publish_site, store_file
from profilehost.dashboard.views import NEW_PAGE_TEMPLATE
from profilehost.extensions import db
from profilehost.services import pages
from support import PASSWORD, csrf_token_from, log_in, post_files, post_form


def upload(client, *files, url="/dashboard/upload", form_url="/dashboard/"):
    token = csrf_token_from(client.get(form_url).get_data(as_text=True))
    data = {"csrf_token": token, "files": [(io.BytesIO(raw), name) for name, raw in files]}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_empty_dashboard_says_what_to_do(logged_in):
    assert "No pages yet: upload your about.md" in logged_in.get("/dashboard/").get_data(as_text=True)


def test_uploading_several_pages_publishes_each(logged_in, client):
    response = upload(logged_in, ("about.md", (SITE / "about.md").read_bytes()),
                      ("publications.md", (SITE / "publications.md").read_bytes()))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/alice/" in html and "/alice/publications/" in html
    assert client.get("/alice/publications/").status_code == 200


def test_a_refused_file_is_explained_and_the_others_still_publish(logged_in):
    response = upload(logged_in, ("bad.md", b"---\ntitle: [oops\n---\n"), ("good.md", page_source()))
    html = response.get_data(as_text=True)
    assert "Refused." in html and "bad.md" in html
    assert pages.find_page(logged_in.user, "/a-page/") is not None
    assert pages.find_page(logged_in.user, "/bad/") is None


def test_an_upload_that_takes_another_files_address_names_the_page_it_replaced(logged_in, client):
    publish(logged_in.user, page_source("CV", "/cv/", "The old CV."), "cv.md")
    response = upload(logged_in, ("cv2.md", page_source("Curriculum", "/cv/", "The new CV.")))
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert "cv2.md replaced your page 'CV' (from cv.md) at /cv/" in html and "Restore revision 1" in html
    assert "The new CV." in client.get("/alice/cv/").get_data(as_text=True)


@pytest.mark.parametrize(("broken", "said"), [
    ('title: "Research', "line 2: a quote opened on this line is never closed"),
    ("title: [unclosed", "line 2: a '[' list opened on this line is never closed with ']'"),
])
def test_the_editor_explains_a_yaml_mistake_as_the_upload_does(logged_in, broken, said):
    source = NEW_PAGE_TEMPLATE.replace('title: "A new page"', broken).replace(
        "author_profile: true", 'author_profile: true\nexcerpt: "My work"')
    edited = post_form(logged_in, "/dashboard/pages/new", {"source": source, "publish": "1"})
    uploaded = upload(logged_in, ("new-page.md", source.encode()))
    for response in (edited, uploaded):
        assert response.status_code == 422 and said in unescape(response.get_data(as_text=True))


def test_uploading_a_config_fills_the_profile(logged_in, client):
    config = b'author:\n  name: "Grace Fixture"\n  github: "gracefixture"\n  bio: "Tester"\n'
    response = upload(logged_in, ("_config.yml", config))
    assert "Profile updated" in response.get_data(as_text=True)
    db.session.expire_all()
    assert logged_in.user.profile.display_name == "Grace Fixture"
    assert logged_in.user.profile.links["github"] == "https://github.com/gracefixture"
    again = upload(logged_in, ("_config.yml", config)).get_data(as_text=True)
    assert "Unchanged: the profile already says this." in again


def test_upload_needs_csrf(logged_in):
    response = logged_in.post("/dashboard/upload", data={"files": [(io.BytesIO(page_source()), "p.md")]},
                              content_type="multipart/form-data")
    assert response.status_code == 400
    assert pages.list_pages(logged_in.user) == []


def test_preview_renders_without_publishing(logged_in):
    response = post_form(logged_in, "/dashboard/pages/new", {"source": page_source("Preview me").decode(),
                                                             "preview": "1"})
    html = response.get_data(as_text=True)
    assert "Preview: Preview me" in html and "Some text." in html
    assert pages.list_pages(logged_in.user) == []


def test_writing_a_new_page_in_the_browser(logged_in, client):
    response = post_form(logged_in, "/dashboard/pages/new", {"source": page_source("Fresh", "/fresh/").decode(),
                                                             "publish": "1"})
    assert response.status_code == 302
    assert client.get("/alice/fresh/").status_code == 200


def test_a_refused_edit_keeps_the_text_and_explains(logged_in):
    broken = "---\ntitle: [unclosed\n---\nMy precious paragraph.\n"
    response = post_form(logged_in, "/dashboard/pages/new", {"source": broken, "publish": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not published." in html and "My precious paragraph." in html


def test_editing_a_page_publishes_a_new_revision(logged_in, client):
    page = publish(logged_in.user, page_source("Old", "/p/")).page
    url = f"/dashboard/pages/{page.id}/edit"
    response = post_form(logged_in, url, {"source": page_source("New", "/p/").decode(), "base_revision": "1",
                                          "publish": "1"})
    assert response.status_code == 302
    assert "New" in client.get("/alice/p/").get_data(as_text=True)


def test_a_stale_edit_gets_409_shows_both_versions_and_keeps_the_text(logged_in):
    page = publish(logged_in.user, page_source("One", "/p/", "First text.")).page
    publish(logged_in.user, page_source("One", "/p/", "Someone else's text."))
    mine = page_source("One", "/p/", "My text.").decode()
    response = post_form(logged_in, f"/dashboard/pages/{page.id}/edit",
                         {"source": mine, "base_revision": "1", "publish": "1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed while you were editing" in html
    assert "<ins>My</ins> text." in html and "<del>Someone else&#39;s</del> text." in html
    assert "My text." in html.split("<textarea", 1)[1]
    db.session.expire_all()
    assert pages.find_page(logged_in.user, "/p/").current_revision == 2


def test_history_lists_revisions_and_restore_creates_a_new_one(logged_in, client):
    page = publish(logged_in.user, page_source("One", "/p/", "Version one.")).page
    publish(logged_in.user, page_source("One", "/p/", "Version two."))
    history = logged_in.get(f"/dashboard/pages/{page.id}/history").get_data(as_text=True)
    assert "Restore" in history and "bytes" in history
    response = post_form(logged_in, f"/dashboard/pages/{page.id}/revisions/1/restore", {},
                         form_url=f"/dashboard/pages/{page.id}/history")
    assert response.status_code == 302
    assert "Version one." in client.get("/alice/p/").get_data(as_text=True)
    db.session.expire_all()
    assert [r.number for r in pages.revisions_of(page)] == [3, 2, 1]


def test_revision_view_and_diff(logged_in):
    page = publish(logged_in.user, page_source("One", "/p/", "Alpha.")).page
    publish(logged_in.user, page_source("One", "/p/", "Beta."))
    assert "Alpha." in logged_in.get(f"/dashboard/pages/{page.id}/revisions/1").get_data(as_text=True)
    diff = logged_in.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2").get_data(as_text=True)
    assert "<del>Alpha</del>" in diff and "<ins>Beta</ins>" in diff


def test_delete_and_restore_a_page(logged_in, client):
    page = publish(logged_in.user, page_source("Gone", "/gone/")).page
    post_form(logged_in, f"/dashboard/pages/{page.id}/delete", {}, form_url="/dashboard/")
    assert client.get("/alice/gone/").status_code == 404
    assert "Recently deleted" in logged_in.get("/dashboard/").get_data(as_text=True)
    post_form(logged_in, f"/dashboard/pages/{page.id}/undelete", {}, form_url="/dashboard/")
    assert client.get("/alice/gone/").status_code == 200


def test_file_upload_list_and_delete(logged_in, client):
    response = upload(logged_in, ("cv.pdf", PDF), ("me.png", PNG), url="/dashboard/files", form_url="/dashboard/files")
    assert response.status_code == 302
    listing = logged_in.get("/dashboard/files").get_data(as_text=True)
    assert "/alice/files/cv.pdf" in listing and "/alice/images/me.png" in listing
    assert client.get("/alice/files/cv.pdf").data == PDF
    post_form(logged_in, "/dashboard/files/cv.pdf/delete", {}, form_url="/dashboard/files")
    assert client.get("/alice/files/cv.pdf").status_code == 404


def test_the_files_list_names_the_pages_that_link_each_file_by_any_folder_it_answers_under(logged_in):
    upload(logged_in, ("cv.pdf", PDF), ("img/me.png", PNG), ("unused.png", PNG), url="/dashboard/files",
           form_url="/dashboard/files")
    publish(logged_in.user, page_source("Research", "/research/", body="![me](/assets/img/me.png)"), "research.md")
    publish(logged_in.user, page_source("CV", "/cv/", body="[CV](/images/cv.pdf)"), "cv.md")
    listing = logged_in.get("/dashboard/files").get_data(as_text=True)
    used_in = dict(re.findall(r'class="title-cell">([^<]+)</th>.*?data-label="Used in">([^<]*)</td>', listing,
                              re.DOTALL))
    assert used_in == {"cv.pdf": "CV", "img/me.png": "Research", "unused.png": "–"}


@pytest.mark.parametrize(("name", "data", "message"), [
    ("evil.svg", b"<svg onload=alert(1)>", "SVG and HTML files are refused"),
    ("page.html", b"<html><script>alert(1)</script>", "SVG and HTML files are refused"),
    ("photo.png", b"\xff\xd8\xff\xe0JPEGDATA", "Rename it to end in .jpg"),
    ("../escape.png", PNG, "file names may use"),
    ("/root.png", PNG, "file names may use"),
    ("one/two/three/four/five.png", PNG, "up to 3 folders"),
    ("figs//a.png", PNG, "file names may use"),
])
def test_bad_files_are_refused_with_a_reason(logged_in, name, data, message):
    response = upload(logged_in, (name, data), url="/dashboard/files", form_url="/dashboard/files")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_refused_file_in_a_files_upload_says_the_good_ones_were_not_uploaded_either(logged_in, client):
    big = PDF + b"0" * (10 * 1024 * 1024 + 512 * 1024)
    response = post_files(logged_in, "/dashboard/files", [("big.pdf", big), ("fig2.png", PNG), ("fig3.png", PNG)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "big.pdf: 10.5 MiB is over the 10 MiB limit per file" in html
    assert "Nothing was uploaded: fig2.png and fig3.png were fine" in html
    assert client.get("/alice/images/fig2.png").status_code == 404


def test_every_refused_file_of_a_files_upload_is_named_at_once(logged_in):
    response = upload(logged_in, ("evil.svg", b"<svg/>"), ("photo.png", b"\xff\xd8\xff\xe0JPEG"), ("ok.png", PNG),
                      url="/dashboard/files", form_url="/dashboard/files")
    html = response.get_data(as_text=True)
    assert "evil.svg: only PNG" in html and "photo.png: the file contains image/jpeg" in html
    assert "Nothing was uploaded: ok.png was fine" in html


def test_two_files_by_one_name_in_one_upload_are_refused_and_change_nothing(logged_in, client):
    response = upload(logged_in, ("cv.pdf", PDF), ("cv.pdf", PDF + b"%v2"), url="/dashboard/files",
                      form_url="/dashboard/files")
    assert response.status_code == 422 and "two files by one name" in response.get_data(as_text=True)
    assert client.get("/alice/files/cv.pdf").status_code == 404


def test_an_upload_over_quota_is_refused_and_changes_nothing(make_app, make_user):
    make_user("alice")
    client = make_app(ASSET_QUOTA_BYTES=1000).test_client()
    log_in(client, "alice")
    response = upload(client, ("a.pdf", PDF), ("big.pdf", PDF + b"0" * 2000), url="/dashboard/files",
                      form_url="/dashboard/files")
    assert response.status_code == 422 and "quota" in response.get_data(as_text=True)
    assert client.get("/alice/files/a.pdf").status_code == 404


def test_profile_form_validates_and_shows_on_the_site(logged_in, client):
    publish(logged_in.user, page_source("Home", "/", author_profile="true"))
    fields = {"display_name": "Alice Liddell", "pronouns": "she/her", "bio": "Curious.", "location": "Oxford",
              "employer": "Wonderland University", "avatar": "", "link_orcid": "0000-0002-1825-0097",
              "link_github": "alice", "link_email": "alice@example.org"}
    assert post_form(logged_in, "/dashboard/profile", fields).status_code == 302
    html = client.get("/alice/").get_data(as_text=True)
    assert "Alice Liddell" in html and "https://orcid.org/0000-0002-1825-0097" in html
    assert "https://github.com/alice" in html and "Wonderland University" in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("link_orcid", "0000-0002-1825-0098", "checksum"),
    ("link_homepage", "javascript:alert(1)", "not a web address"),
    ("link_homepage", "ftp://example.org", "not a web address"),
    ("link_email", "not-an-email", "not a valid email"),
])
def test_profile_form_refuses_bad_links(logged_in, field, value, message):
    response = post_form(logged_in, "/dashboard/profile", {"display_name": "A", field: value})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_change_email_waits_for_the_new_address_to_be_confirmed(logged_in):
    response = post_form(logged_in, "/dashboard/account/email", {"email-email": "new@example.org",
                                                                 "email-password": PASSWORD},
                         form_url="/dashboard/account")
    assert response.status_code == 302
    db.session.expire_all()
    assert (logged_in.user.email, logged_in.user.pending_email) == ("alice@example.org", "new@example.org")


def test_delete_account_asks_for_the_password_and_can_be_cancelled(logged_in, client):
    publish(logged_in.user, page_source("Home", "/"))
    wrong = post_form(logged_in, "/dashboard/account/delete", {"delete-password": "nope nope nope"},
                      form_url="/dashboard/account")
    assert wrong.status_code == 422
    post_form(logged_in, "/dashboard/account/delete", {"delete-password": PASSWORD}, form_url="/dashboard/account")
    assert client.get("/alice/").status_code == 404
    again = log_in(logged_in, "alice")
    assert again.status_code == 302
    assert logged_in.get("/dashboard/").headers["Location"] == "/dashboard/scheduled-deletion"
    post_form(logged_in, "/dashboard/scheduled-deletion/cancel", {}, form_url="/dashboard/scheduled-deletion")
    assert client.get("/alice/").status_code == 200


def test_export_contains_every_page_and_file_and_round_trips(logged_in, make_user):
    publish_site(logged_in.user)
    store_file(logged_in.user, "cv.pdf")
    store_file(logged_in.user, "me.png", PNG)
    response = logged_in.get("/dashboard/export.zip")
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    root = "alice-site/"
    assert {root + "_pages/about.md", root + "_pages/publications.md", root + "_pages/draft.md",
            root + "files/cv.pdf", root + "images/me.png", root + "_config.yml"} <= names
    assert archive.read(root + "_pages/about.md") == (SITE / "about.md").read_bytes()
    bob = make_user("bob")
    for name in names:
        if name.startswith(root + "_pages/"):
            pages.publish_upload(bob, archive.read(name), name.rsplit("/", 1)[1])
    mine = {p.permalink: (p.title, p.published) for p in pages.list_pages(logged_in.user)}
    theirs = {p.permalink: (p.title, p.published) for p in pages.list_pages(bob)}
    assert mine == theirs


def test_another_tenants_ids_and_names_are_404(make_user, make_client):
    bob = make_user("bob")
    bobs_page = publish(bob, page_source("Bob's", "/p/")).page
    store_file(bob, "bob.pdf")
    alice_client = make_client()
    make_user("alice")
    log_in(alice_client, "alice")
    for url in [f"/dashboard/pages/{bobs_page.id}/edit", f"/dashboard/pages/{bobs_page.id}/history",
                f"/dashboard/pages/{bobs_page.id}/revisions/1", f"/dashboard/pages/{bobs_page.id}/diff?from=1&to=1"]:
        assert alice_client.get(url).status_code == 404, url
    for url in [f"/dashboard/pages/{bobs_page.id}/delete", f"/dashboard/pages/{bobs_page.id}/undelete",
                f"/dashboard/pages/{bobs_page.id}/revisions/1/restore", "/dashboard/files/bob.pdf/delete"]:
        assert post_form(alice_client, url, {}, form_url="/dashboard/").status_code == 404, url
    edit = post_form(alice_client, f"/dashboard/pages/{bobs_page.id}/edit",
                     {"source": page_source("Hacked", "/p/").decode(), "publish": "1"}, form_url="/dashboard/")
    assert edit.status_code == 404
    db.session.expire_all()
    assert pages.find_page(bob, "/p/").title == "Bob's"
    assert "bob.pdf" not in alice_client.get("/dashboard/files").get_data(as_text=True)


def test_a_new_page_cannot_silently_replace_an_existing_one(logged_in, client):
    publish(logged_in.user, page_source("Home", "/", "The real home."))
    response = post_form(logged_in, "/dashboard/pages/new", {"source": page_source("Oops", "/", "Other.").decode(),
                                                             "publish": "1"})
    assert response.status_code == 422
    assert "You already have a page at / (&#39;Home&#39;)" in response.get_data(as_text=True)
    assert "The real home." in client.get("/alice/").get_data(as_text=True)


def test_a_new_page_form_sent_twice_makes_one_page_and_both_answers_lead_to_it(logged_in):
    token = csrf_token_from(logged_in.get("/dashboard/pages/new").get_data(as_text=True))
    form = {"csrf_token": token, "source": page_source("Fresh", "/fresh/").decode(), "publish": "1"}
    answers = [logged_in.post("/dashboard/pages/new", data=form) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert [page.permalink for page in pages.list_pages(logged_in.user)] == ["/fresh/"]


def test_the_editor_shows_the_decoded_text_of_a_utf16_upload(logged_in):
    import codecs

    source = page_source("Zoë", "/z/", "Café 郑").decode()
    page = publish(logged_in.user, codecs.BOM_UTF16_LE + source.encode("utf-16-le")).page
    html = logged_in.get(f"/dashboard/pages/{page.id}/edit").get_data(as_text=True)
    assert "Café 郑" in html


def test_the_editor_shows_the_notices_of_the_live_revision_the_list_counts(logged_in):
    outcome = publish(logged_in.user, page_source("Research", "/research/", "[gone](/no-such-page/)"))
    listing = logged_in.get("/dashboard/").get_data(as_text=True)
    assert f'/dashboard/pages/{outcome.page.id}/edit' in listing and "1 notice" in listing
    editor = logged_in.get(f"/dashboard/pages/{outcome.page.id}/edit").get_data(as_text=True)
    assert "Notices on the live revision" in editor and "The link to /no-such-page/ leads nowhere" in editor
    quiet = publish(logged_in.user, page_source("Quiet", "/quiet/", "No links."), "quiet.md")
    assert "Notices on the live revision" not in logged_in.get(f"/dashboard/pages/{quiet.page.id}/edit").get_data(
        as_text=True)
