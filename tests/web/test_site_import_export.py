"""A whole site in and out: the dashboard's import screen, the served collections and menu, the CLI, and the
export that the importer and Jekyll both take."""

import html
import io
import re
import zipfile
from pathlib import Path

import yaml
from site_archive import CONFIG as site_archive_config_text
from site_archive import build_zip, site_with

from factories import PDF, PNG
from profilehost.services import assets, pages, profiles
from profilehost.services.site_import import import_site
from support import built_with_jekyll, csrf_token_from, exported_archive, exported_bytes, needs_jekyll

QUOTA = 100 * 1024 * 1024


def upload_zip(client, data: bytes, name: str = "ada-site-main.zip"):
    token = csrf_token_from(client.get("/dashboard/import").get_data(as_text=True))
    return client.post("/dashboard/import", data={"csrf_token": token, "archive": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_dashboard_imports_a_zip_and_shows_the_report(logged_in, client):
    response = upload_zip(logged_in, build_zip())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported 21 files from ada-site-main.zip" in html
    assert "_publications/2024-01-15-paper-one.md" in html and "/alice/publication/2024-01-15-paper-one/" in html
    assert "Skipped (6)" in html and "_pages/category-archive.html" in html
    assert client.get("/alice/publications/").status_code == 200


def test_a_refused_import_says_what_to_fix_and_changes_nothing(logged_in, client):
    broken = build_zip(site_with({"_pages/broken.md": "---\ntitle: \"unclosed\n---\n"}))
    response = upload_zip(logged_in, broken)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html and "_pages/broken.md" in html
    assert client.get("/alice/cv/").status_code == 404


def test_the_import_form_needs_a_file(logged_in):
    token = csrf_token_from(logged_in.get("/dashboard/import").get_data(as_text=True))
    response = logged_in.post("/dashboard/import", data={"csrf_token": token})
    assert response.status_code == 422 and "Choose the ZIP of your site." in response.get_data(as_text=True)


def test_a_listing_page_shows_its_collection_newest_first_with_venue_and_citation(make_user, client):
    alice = make_user("alice")
    import_site(alice, build_zip(), "site.zip", quota=QUOTA)
    html = client.get("/alice/publications/").get_data(as_text=True)
    newer, older = html.index("Notes on the Analytical Engine"), html.index("On Difference Engines")
    assert newer < older
    assert "Published in <i>Journal of Example Studies</i>, 2024" in html
    assert "Recommended citation: Example, Ada. (2024). &quot;Notes.&quot; <i>Journal of Example Studies</i>" in html
    assert 'href="/alice/files/paper1.pdf"' in html
    assert "javascript:" not in html and "{%" not in html
    talks = client.get("/alice/talks/").get_data(as_text=True)
    assert "Talk, Example Society, London, England" in talks
    assert "Weekly lectures on series." in client.get("/alice/teaching/").get_data(as_text=True)
    assert "A first blog post" in client.get("/alice/year-archive/").get_data(as_text=True)


def test_an_item_page_shows_its_venue_line_and_a_new_item_appears_in_the_listing_at_once(make_user, client):
    alice = make_user("alice")
    import_site(alice, build_zip(), "site.zip", quota=QUOTA)
    item = client.get("/alice/publication/2024-01-15-paper-one/").get_data(as_text=True)
    assert 'class="item__meta"' in item and "Journal of Example Studies" in item
    assert "Quantum looms" not in client.get("/alice/publications/").get_data(as_text=True)
    newest = site_with({"_publications/2025-02-02-looms.md": "---\ntitle: Quantum looms\ndate: 2025-02-02\n"
                                                             "venue: Looms Letters\n---\nText.\n"})
    assert import_site(alice, build_zip(newest), "site.zip", quota=QUOTA).ok
    html = client.get("/alice/publications/").get_data(as_text=True)
    assert html.index("Quantum looms") < html.index("Notes on the Analytical Engine")


RECENT_POSTS = ("---\ntitle: Home\npermalink: /\n---\n\nRecent posts:\n\n"
                "{% for post in site.posts reversed limit: 2 offset:1 %}\n  {% include archive-single.html %}\n"
                "{% endfor %}\n")


def publish_posts(tenant, count: int) -> None:
    for day in range(1, count + 1):
        source = f"---\ntitle: Post {day}\ndate: 2024-03-{day:02d}\n---\nText.\n".encode()
        pages.publish_upload(tenant, source, f"_posts/2024-03-{day:02d}-post-{day}.md", collection="posts")


def page_body(html: str) -> str:
    return html.split("data-page-body", 1)[1]


def test_a_loops_limit_and_offset_slice_the_newest_first_posts_before_reversed_as_liquid_does(make_user, client):
    alice = make_user("alice")
    publish_posts(alice, 5)
    pages.publish_upload(alice, RECENT_POSTS.encode(), "_pages/about.md")
    html = client.get("/alice/").get_data(as_text=True)
    # Newest first 5 4 3 2 1 -> offset:1 -> limit:2 -> reversed.
    assert re.findall(r">(Post \d)</a>", page_body(html)) == ["Post 3", "Post 4"]


def test_a_loop_whose_offset_skips_every_item_lists_nothing(make_user, client):
    alice = make_user("alice")
    publish_posts(alice, 1)
    pages.publish_upload(alice, RECENT_POSTS.encode(), "_pages/about.md")
    html = client.get("/alice/").get_data(as_text=True)
    assert "Recent posts:" in page_body(html) and "Post 1" not in page_body(html)


def test_the_export_keeps_a_loops_limit_and_offset_as_written(make_user):
    alice = make_user("alice")
    publish_posts(alice, 3)
    pages.publish_upload(alice, RECENT_POSTS.encode(), "_pages/about.md")
    with exported_archive(alice) as archive:
        exported = archive.read("alice-site/_pages/about.md").decode()
    assert exported == RECENT_POSTS


def test_the_menu_follows_navigation_yml_and_leaves_out_pages_that_do_not_exist(make_user, client):
    alice = make_user("alice")
    navigation = ("main:\n  - title: CV\n    url: /cv/\n  - title: Gone\n    url: /nowhere/\n"
                  "  - title: Talks\n    url: /talks.html\n")
    import_site(alice, build_zip(site_with({"_data/navigation.yml": navigation})), "site.zip", quota=QUOTA)
    html = client.get("/alice/").get_data(as_text=True)
    menu = html[html.index('class="masthead__menu"'):]
    menu = menu[:menu.index("</ul>")]
    assert menu.index(">CV<") < menu.index(">Talks<")
    assert 'href="/alice/talks/"' in menu and "Gone" not in menu


def test_the_cli_imports_and_exports(make_user, runner, tmp_path):
    make_user("alice")
    archive = tmp_path / "site.zip"
    archive.write_bytes(build_zip())
    result = runner.invoke(args=["site", "import", "alice", str(archive)])
    assert result.exit_code == 0, result.output
    assert "imported  _pages/cv.md: page created  /alice/cv/" in result.output
    assert "skipped   Gemfile" in result.output and "Imported 21 files" in result.output
    out = tmp_path / "out.zip"
    result = runner.invoke(args=["site", "export", "alice", str(out)])
    assert result.exit_code == 0 and zipfile.is_zipfile(out)


def test_the_cli_reports_a_refused_import_and_fails(make_user, runner, tmp_path):
    make_user("alice")
    archive = tmp_path / "site.zip"
    archive.write_bytes(build_zip(site_with({"images/x.png": b"not an image"})))
    result = runner.invoke(args=["site", "import", "alice", str(archive)])
    assert result.exit_code != 0 and "images/x.png" in result.output and "Nothing was imported" in result.output
    assert runner.invoke(args=["site", "import", "nobody", str(archive)]).exit_code != 0


def _site_state(tenant) -> dict:
    base = f"/{tenant.username}"
    state = {}
    for page in pages.list_pages(tenant):
        revision = pages.current_revision(page)
        state[page.permalink] = (page.title, page.collection, page.item_date, page.published, page.nav_order,
                                 revision.source, revision.body_html.replace(base + "/", "/TENANT/"))
    profile = tenant.profile
    state["profile"] = (profile.display_name, profile.bio, profile.employer, profile.avatar, profile.links,
                        profile.navigation)
    state["assets"] = {asset.name: asset.sha256 for asset in assets.list_assets(tenant)}
    return state


FIGURE_POST = """---
title: "Pose estimation notes"
---

![The pipeline](../images/fig_pose/1.png) and [the slides](/files/talks/slides.pdf).
"""
NESTED_FILES = {"images/fig_pose/1.png": PNG, "files/talks/slides.pdf": PDF, "_posts/2021-03-02-pose.md": FIGURE_POST}


def test_files_in_subfolders_are_served_where_the_imported_pages_link_them(logged_in, client):
    report = import_site(logged_in.user, build_zip(site_with(NESTED_FILES)), "site.zip", quota=QUOTA)
    post_url = dict((path, url) for path, _what, url in report.imported)["_posts/2021-03-02-pose.md"]
    markup = client.get(post_url).get_data(as_text=True)
    image = re.search(r'<img[^>]* src="([^"]+)"', markup).group(1)
    slides = re.search(r'<a href="([^"]+slides[^"]*)"', markup).group(1)
    assert (image, slides) == ("/alice/images/fig_pose/1.png", "/alice/files/talks/slides.pdf")
    served = client.get(image)
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    assert served.headers["Content-Disposition"] == 'inline; filename="1.png"'
    assert client.get(slides).data == PDF


def test_the_dashboard_lists_and_deletes_a_file_in_a_subfolder(logged_in, client):
    import_site(logged_in.user, build_zip(site_with(NESTED_FILES)), "site.zip", quota=QUOTA)
    listing = logged_in.get("/dashboard/files").get_data(as_text=True)
    assert "fig_pose/1.png" in listing
    response = logged_in.post("/dashboard/files/fig_pose/1.png/delete", data={"csrf_token": csrf_token_from(listing)})
    assert response.status_code == 302
    assert client.get("/alice/images/fig_pose/1.png").status_code == 404
    assert client.get("/alice/files/talks/slides.pdf").status_code == 200


def test_export_then_import_keeps_files_in_their_folders(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    assert import_site(alice, build_zip(site_with(NESTED_FILES)), "site.zip", quota=QUOTA).ok
    exported = exported_bytes(alice)
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        names = archive.namelist()
    assert "alice-site/images/fig_pose/1.png" in names and "alice-site/files/talks/slides.pdf" in names
    assert import_site(bob, exported, "alice-site.zip", quota=QUOTA).ok
    assert _site_state(bob) == _site_state(alice)


def test_export_then_import_reproduces_the_same_site(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    assert import_site(alice, build_zip(), "site.zip", quota=QUOTA).ok
    exported = exported_bytes(alice)
    report = import_site(bob, exported, "alice-site.zip", quota=QUOTA)
    assert report.ok, report.errors
    assert _site_state(bob) == _site_state(alice)
    again = import_site(alice, exported, "alice-site.zip", quota=QUOTA)
    assert again.ok and all("unchanged" in what for path, what, _ in again.imported if path.endswith(".md"))


def visible_text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@needs_jekyll
def test_the_export_builds_with_jekyll_and_every_page_is_in_the_output(make_user, tmp_path):
    alice = make_user("alice")
    assert import_site(alice, build_zip(), "site.zip", quota=QUOTA).ok
    source = built_with_jekyll(alice, tmp_path)
    built_html = " ".join(path.read_text(errors="replace") for path in (source / "_site").rglob("*.html"))
    built = visible_text(built_html)
    for page in pages.list_pages(alice):
        text = visible_text(pages.current_revision(page).body_html) or page.title
        assert text[:40] in built, f"{page.permalink}: {text[:40]!r} is not in Jekyll's output"
    assert (source / "_site/files/paper1.pdf").read_bytes() == assets.find_asset(alice, "paper1.pdf").data


def test_the_profiles_language_is_in_the_exported_config_and_comes_back_on_import(make_user, client):
    alice, bob = make_user("alice"), make_user("bob")
    pages.publish_upload(alice, b"---\ntitle: Start\npermalink: /\n---\nHallo.\n", "about.md")
    profiles.update_profile(alice, {"locale": "de"})
    exported = exported_bytes(alice)
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        assert "locale: de" in archive.read("alice-site/_config.yml").decode()
    assert import_site(bob, exported, "alice-site.zip", quota=QUOTA).ok
    assert 'lang="de"' in client.get("/bob/").get_data(as_text=True)


def _profile_of(tenant) -> tuple:
    profile = tenant.profile
    return (profile.display_name, profile.pronouns, profile.bio, profile.location, profile.employer,
            profile.avatar, profile.links)


def test_a_profile_changed_since_the_config_was_uploaded_is_exported_as_it_is_now(make_user, client):
    alice, bob = make_user("alice"), make_user("bob")
    config = site_archive_config_text.replace("author:\n", "locale: en-GB\nauthor:\n")
    assert import_site(alice, build_zip(site_with({"_config.yml": config})), "site.zip", quota=QUOTA).ok
    profiles.update_profile(alice, {"locale": "en", "pronouns": "she/her", "display_name": "Ada Lovelace",
                                    "bio": "Engines", "location": "Paris", "employer": "", "avatar": "",
                                    "links": {"github": "https://github.com/ada-l", "orcid": "0000-0002-1825-0097"}})
    exported = exported_bytes(alice)
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        written = archive.read("alice-site/_config.yml").decode()
    assert "locale: en\n" in written and "description: Ada Example's academic pages" in written
    assert import_site(bob, exported, "alice-site.zip", quota=QUOTA).ok
    assert _profile_of(bob) == _profile_of(alice)
    assert 'lang="en"' in client.get("/bob/").get_data(as_text=True)


def test_a_config_the_profile_agrees_with_is_exported_as_uploaded(make_user):
    alice = make_user("alice")
    config = site_archive_config_text + "include: [_pages]\n"
    assert import_site(alice, build_zip(site_with({"_config.yml": config})), "site.zip", quota=QUOTA).ok
    with exported_archive(alice) as archive:
        assert archive.read("alice-site/_config.yml").decode() == config


def test_a_config_the_site_accepted_but_yaml_cannot_read_raw_is_exported_as_the_site_reads_it(make_user):
    from profilehost.services import site_files

    alice = make_user("alice")
    config = b"title: Ada\x01s site\n"  # a control character: the site reads the file without it
    site_files.save_site_file(alice, "_config.yml", config)
    with exported_archive(alice) as archive:
        exported = yaml.safe_load(archive.read("alice-site/_config.yml"))
    assert exported["title"] == "Adas site" and "_pages" in exported["include"]


def _shown_region(client, tenant, permalink: str) -> str:
    """A page's title, the lines under it and its content, as served, with the tenant's name taken out."""
    served = client.get(f"/{tenant.username}{permalink}").get_data(as_text=True)
    start, end = served.index('<h1 class="page__title">'), served.index("</article>")
    return served[start:end].replace(f"/{tenant.username}/", "/TENANT/")


def test_an_export_imported_into_another_account_serves_every_page_as_the_first_one(make_user, client):
    alice, bob = make_user("alice"), make_user("bob")
    bib = (Path(__file__).parent.parent / "fixtures/bib/zotero.bib").read_bytes()
    first = import_site(alice, build_zip(site_with({"_bibliography/papers.bib": bib})), "site.zip", quota=QUOTA)
    assert first.ok, first.errors
    again = import_site(bob, exported_bytes(alice), "alice-site.zip", quota=QUOTA)
    assert again.ok, again.errors
    for page in pages.list_pages(alice):
        assert _shown_region(client, bob, page.permalink) == _shown_region(client, alice, page.permalink), \
            page.permalink
    paper = _shown_region(client, bob, "/publication/2024-01-15-paper-one/")
    assert "Published in <i>Journal of Example Studies</i>" in paper and "Download Paper" in paper
    assert not [notice for notice in again.notices if "not used" in notice[1] or "not one profilehost" in notice[1]]
    assert set(again.notices) <= set(first.notices)


def _listed_publications(client, tenant) -> list[str]:
    served = client.get(f"/{tenant.username}/publications/").get_data(as_text=True)
    return re.findall(rf'href="/{tenant.username}(/publications?/[^"]+)"', served)


def test_an_export_imported_into_another_account_brings_each_entry_of_the_bibliography_once(make_user, client):
    alice, bob = make_user("alice"), make_user("bob")
    bib = (Path(__file__).parent.parent / "fixtures/bib/zotero.bib").read_bytes()
    assert import_site(alice, build_zip(site_with({"_bibliography/papers.bib": bib})), "site.zip", quota=QUOTA).ok
    again = import_site(bob, exported_bytes(alice), "alice-site.zip", quota=QUOTA)
    assert again.ok, again.errors
    assert [page.permalink for page in pages.list_pages(bob)] == [page.permalink for page in pages.list_pages(alice)]
    keys = ("lovelace_loops_2023", "lovelace_notes_2021", "lovelace_talk_2022", "lovelace_thesis_2019")
    assert sorted(path for path, why in again.skipped if "the bibliography's entry" in why) == [
        f"_publications/{key}.md" for key in keys]
    listed = _listed_publications(client, bob)
    assert sorted(set(listed)) == sorted(listed) and listed == _listed_publications(client, alice)
    assert {f"/publication/{key}/" for key in keys} <= set(listed)
