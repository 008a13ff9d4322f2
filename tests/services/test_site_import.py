"""Importing an academicpages repository ZIP: what is taken, what is skipped, and all-or-nothing refusals."""

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from site_archive import SITE_FILES, build_zip, site_with
from sqlalchemy import func, select

from factories import JPEG, PDF, PNG, page_source, publish
from profilehost.extensions import db
from profilehost.models import Asset, Page, Revision
from profilehost.services import export, pages, profiles, site_import
from profilehost.services.site_import import ImportLimits

QUOTA = 100 * 1024 * 1024


def run_import(tenant, data: bytes, **kwargs):
    return site_import.import_site(tenant, data, "site.zip", quota=QUOTA, **kwargs)


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Page, Revision, Asset))


def permalinks(tenant) -> dict[str, str | None]:
    return {page.permalink: page.collection for page in pages.list_pages(tenant)}


def test_every_taken_folder_is_imported(make_user):
    alice = make_user("alice")
    report = run_import(alice, build_zip())
    assert report.ok, report.errors
    assert permalinks(alice) == {
        "/": None, "/cv/": None, "/publications/": None, "/talks/": None, "/year-archive/": None,
        "/teaching/": None, "/portfolio/": None,  # listing pages made for collections no page lists
        "/categories/": None,
        "/publication/2024-01-15-paper-one/": "publications",
        "/publications/2022-06-01-paper-two/": "publications",  # no permalink: the collection's template
        "/talks/2023-03-01-talk-1/": "talks",
        "/teaching/2021-spring-teaching-1/": "teaching",
        "/portfolio/portfolio-1/": "portfolio",
        "/posts/2020/08/blog-post-1/": "posts",
    }
    profile = alice.profile
    assert (profile.display_name, profile.employer, profile.avatar) == ("Ada Example", "Example University",
                                                                        "profile.png")
    assert profile.links["github"] == "https://github.com/ada-example"
    assert [entry["url"] for entry in profile.navigation] == [
        "/publications/", "/talks/", "/teaching/", "/portfolio/", "/year-archive/", "/cv/",
        "https://example.org/guide"]
    assert {asset.name for asset in db.session.scalars(select(Asset))} == {"paper1.pdf", "profile.png",
                                                                           "500x300.png"}


def test_items_keep_their_dates_and_listing_pages_know_what_they_list(make_user):
    alice = make_user("alice")
    run_import(alice, build_zip())
    paper = pages.find_page(alice, "/publication/2024-01-15-paper-one/")
    undated_name = pages.find_page(alice, "/publications/2022-06-01-paper-two/")
    assert str(paper.item_date) == "2024-01-15" and str(undated_name.item_date) == "2022-06-01"
    listing = pages.find_page(alice, "/publications/")
    assert "site.publications" in listing.reads
    # the address as its front matter writes it, as Jekyll lists it (profilehost serves it with or without "/")
    assert 'href="/alice/publication/2024-01-15-paper-one"' in pages.current_revision(listing).body_html
    talks = pages.current_revision(pages.find_page(alice, "/talks/"))
    assert pages.is_html_source(talks) and 'href="/alice/talks/2023-03-01-talk-1"' in talks.body_html


PAGE_ARCHIVE = """\
---
title: "Every page"
permalink: /every-page/
---

{% for post in site.pages %}
* [{{ post.title }}]({{ post.url }})
{% endfor %}
"""


def test_a_page_listing_site_pages_lists_every_page_by_file_name_then_the_pages_plugins_add(make_user):
    alice = make_user("alice")
    config = SITE_FILES["_config.yml"] + "plugins:\n  - jekyll-sitemap\n  - jekyll-redirect-from\n"
    theme = "---\n---\n@import 'main';\n"
    run_import(alice, build_zip(site_with({"_config.yml": config, "_pages/every-page.md": PAGE_ARCHIVE,
                                           "assets/css/main.scss": theme})))
    html = pages.current_revision(pages.find_page(alice, "/every-page/")).body_html
    listed = re.findall(r'href="/alice([^"]*)"', html)
    # about.md, category-archive.html, cv.md, every-page.md, main.scss, ...
    assert listed[:5] == ["/", "/categories/", "/cv/", "/every-page/", "/assets/css/main.css"]
    assert listed[-6:] == ["/about/", "/about.html", "/talks.html", "/redirects.json", "/sitemap.xml",
                           "/robots.txt"]
    assert pages.find_page(alice, "/assets/css/main.css") is None  # listed, as Jekyll lists it; not published


def test_a_listing_shows_an_items_excerpt_as_jekyll_takes_it_from_its_markdown(make_user):
    alice = make_user("alice")
    talk = "---\ntitle: Listed\n---\n\n1. First point\n2. Second point\n\nLater text.\n"
    run_import(alice, build_zip(site_with({"_talks/2023-05-01-listed.md": talk})))
    html = pages.current_revision(pages.find_page(alice, "/talks/")).body_html
    assert "<li>Second point</li>" in html and "Later text." not in html


def test_a_page_at_the_top_of_the_repository_is_published_and_built_after_those_in_pages(make_user):
    alice = make_user("alice")
    home = "---\ntitle: Home\npermalink: /\n---\nWelcome home.\n"
    report = run_import(alice, build_zip(site_with({"index.md": home, "README.md": "# Not a page\n"})))
    assert report.ok, report.errors
    page = pages.find_page(alice, "/")
    assert page.title == "Home" and "Welcome home." in pages.current_revision(page).body_html
    assert pages.find_page(alice, "/README/") is None  # no front matter: Jekyll copies it as a file


def test_a_page_in_a_folder_is_published_where_jekyll_writes_it_with_its_paginator(make_user):
    alice = make_user("alice")
    blog = ("---\nlayout: default\n---\n<ul>{% for post in paginator.posts %}<li>{{ post.title }}</li>{% endfor %}"
            "</ul><p>{{ paginator.page }} of {{ paginator.total_pages }}</p>\n")
    posts = {f"_posts/2024-01-0{day}-post-{day}.md": f"---\ntitle: Post {day}\n---\nText.\n" for day in range(1, 4)}
    config = "title: Ada\npaginate: 2\npaginate_path: /blog/page:num/\n"
    report = run_import(alice, build_zip(site_with({"blog/index.html": blog, "notes/reading.md": "---\n---\nBooks.\n",
                                                    "_config.yml": config, **posts})))
    assert report.ok, report.errors
    blog_html = pages.current_revision(pages.find_page(alice, "/blog/")).body_html
    assert "<li>Post 3</li><li>Post 2</li></ul><p>1 of 2</p>" in blog_html  # the newest, as jekyll-paginate
    assert "Books." in pages.current_revision(pages.find_page(alice, "/notes/reading/")).body_html
    assert pages.find_page(alice, "/").title != "Index"  # a folder's index.html is not the home page


def test_the_report_lists_what_was_skipped_and_why(make_user):
    report = run_import(make_user("alice"), build_zip())
    skipped = dict(report.skipped)
    assert "_pages/category-archive.html" not in skipped  # Liquid runs, as in Jekyll
    assert "theme" in skipped["_layouts/ (1 file)"] and "theme" in skipped["assets/ (1 file)"]
    assert "markdown_generator/ (1 file)" in skipped
    assert {"Gemfile", "README.md", ".gitignore"} <= set(skipped)
    imported = {path: what for path, what, _url in report.imported}
    assert imported["_data/ui-text.yml"] == imported["_includes/paper-card.html"] == "site file"
    assert imported["_publications/2024-01-15-paper-one.md"] == "publication: page created"
    assert imported["(listing of _teaching/)"] == "listing page created"


def test_a_zip_without_a_top_folder_is_taken_as_well(make_user):
    alice = make_user("alice")
    assert run_import(alice, build_zip(top=None)).ok
    assert pages.find_page(alice, "/cv/") is not None


def test_importing_the_same_zip_again_changes_nothing(make_user):
    alice = make_user("alice")
    run_import(alice, build_zip())
    before = counts()
    report = run_import(alice, build_zip())
    assert report.ok and counts() == before
    assert all(what.endswith("unchanged") for path, what, _ in report.imported if path.endswith((".md", ".html")))
    assert ("_config.yml", "profile unchanged", "/alice/") in report.imported


def test_an_import_keeps_the_profile_links_its_author_block_does_not_name(make_user):
    alice = make_user("alice")
    profiles.update_profile(alice, {"pronouns": "she/her", "links": {"orcid": "0000-0002-1825-0097",
                                                                     "github": "old-name"}})
    assert run_import(alice, build_zip()).ok
    links = alice.profile.links
    assert links["orcid"] == "https://orcid.org/0000-0002-1825-0097"  # kept: the block has no orcid
    assert links["github"] == "https://github.com/ada-example"  # the block's own value wins
    assert alice.profile.pronouns == "she/her" and alice.profile.display_name == "Ada Example"


def test_an_import_updates_pages_with_a_new_revision_and_deletes_nothing(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Mine", "/mine/"))
    publish(alice, page_source("Old CV", "/cv/"))
    assert run_import(alice, build_zip()).ok
    cv = pages.find_page(alice, "/cv/")
    assert cv.current_revision == 2 and cv.title == "CV"
    assert pages.find_page(alice, "/mine/").deleted_at is None


def _refused(tenant, data: bytes, **kwargs) -> str:
    before = counts()
    profile_before = (tenant.profile.display_name, tenant.profile.navigation)
    report = run_import(tenant, data, **kwargs)
    assert not report.ok and report.imported == []
    assert counts() == before, "a refused import wrote something"
    db.session.refresh(tenant.profile)
    assert (tenant.profile.display_name, tenant.profile.navigation) == profile_before
    return " ".join(f"{path}: {message}" for path, message in report.errors)


def test_a_page_with_broken_front_matter_refuses_the_whole_import(make_user):
    broken = site_with({"_publications/2019-bad.md": "---\ntitle: [unclosed\n---\nText\n"})
    message = _refused(make_user("alice"), build_zip(broken))
    assert "_publications/2019-bad.md" in message and "line" in message


def test_a_data_file_that_cannot_be_read_refuses_the_import_naming_the_file_and_line(make_user):
    unreadable = b"name,bio\nAda,\"" + b"x" * 200_000 + b"\"\n"
    message = _refused(make_user("alice"), build_zip(site_with({"_data/people.csv": unreadable})))
    assert "_data/people.csv, line 2" in message


def test_a_file_that_is_not_what_its_name_says_refuses_the_import(make_user):
    alice = make_user("alice")
    report = run_import(alice, build_zip(site_with({"images/fig/photo.png": b"<svg onload=alert(1)>"})))
    assert report.errors == [("images/fig/photo.png", "its name says a PNG image, but its content is not one (nor "
                              "any other image or PDF profilehost hosts). Save or export it again as a PNG image, "
                              "or leave it out.")]


def test_a_file_over_the_upload_limit_refuses_the_import(make_user):
    big = PDF + os.urandom(10 * 1024 * 1024)
    message = _refused(make_user("alice"), build_zip(site_with({"files/thesis.pdf": big})))
    assert "files/thesis.pdf" in message and "10 MiB" in message


def test_more_than_the_quota_refuses_the_import(make_user):
    alice = make_user("alice")
    before = counts()
    report = site_import.import_site(alice, build_zip(), "site.zip", quota=100)
    assert not report.ok and report.imported == [] and counts() == before
    assert "quota" in report.errors[0][1]


def test_of_two_files_with_one_permalink_the_one_jekyll_builds_last_is_kept_and_the_other_named(make_user):
    alice = make_user("alice")
    twin = site_with({"_pages/cv-copy.md": "---\ntitle: Copy\npermalink: /cv/\n---\nx\n"})
    report = run_import(alice, build_zip(twin))
    assert report.ok, report.errors
    assert "_pages/cv.md" in dict(report.skipped)["_pages/cv-copy.md"]
    assert pages.find_page(alice, "/cv/").title == "CV"


def test_a_post_dated_in_the_future_is_left_out_as_jekyll_does(make_user):
    alice = make_user("alice")
    future = site_with({"_posts/2999-01-01-future-post.md": "---\ntitle: Later\npermalink: /cv/\n---\nx\n"})
    report = run_import(alice, build_zip(future))
    assert report.ok, report.errors
    assert "future" in dict(report.skipped)["_posts/2999-01-01-future-post.md"]
    assert pages.find_page(alice, "/cv/").title == "CV"


def test_a_conflict_with_an_existing_page_is_found_while_writing_and_nothing_stays(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Elsewhere", "/elsewhere/", redirect_from="[/about/]"))
    message = _refused(alice, build_zip())
    assert "redirect_from" in message and "/about/" in message


def test_a_bad_navigation_file_refuses_the_import(make_user):
    message = _refused(make_user("alice"), build_zip(site_with({"_data/navigation.yml": "main: 3\n"})))
    assert "_data/navigation.yml" in message and "main:" in message


def test_navigation_entries_that_are_not_paths_or_web_addresses_are_left_out(make_user):
    alice = make_user("alice")
    navigation = ("main:\n  - title: Ok\n    url: /cv\n  - title: Script\n    url: javascript:alert(1)\n"
                  "  - title: Up\n    url: /../x/\n  - url: /untitled/\n")
    report = run_import(alice, build_zip(site_with({"_data/navigation.yml": navigation})))
    assert report.ok
    assert alice.profile.navigation == [{"title": "Ok", "url": "/cv/"}]
    assert sum("left out" in notice for _path, notice in report.notices) == 3


def _zip_with(name: str, data: bytes = b"x", **info_fields) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("site/_pages/about.md", SITE_FILES["_pages/about.md"])
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        for field, value in info_fields.items():
            setattr(info, field, value)
        archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "fields", "expected"), [
    ("site/../../etc/cron.d/evil.md", {}, "leaves the archive"),
    ("/etc/passwd", {}, "absolute path"),
    ("C:/Windows/evil.md", {}, "absolute path"),
    ("site\\_pages\\evil.md", {}, "absolute path"),
    ("site/_pages/link.md", {"external_attr": (0o120777 << 16)}, "link"),
])
def test_unsafe_entries_refuse_the_whole_archive(make_user, name, fields, expected):
    message = _refused(make_user("alice"), _zip_with(name, **fields))
    assert expected in message


def test_an_encrypted_entry_refuses_the_whole_archive(make_user):
    data = bytearray(_zip_with("site/_pages/secret.md"))
    central = data.rfind(b"PK\x01\x02")  # the last entry's central directory record: set "encrypted"
    data[central + 8] |= 0x1
    assert "encrypted" in _refused(make_user("alice"), bytes(data))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(make_user):
    bomb = _zip_with("site/files/zeros.pdf", b"%PDF-" + bytes(50 * 1024 * 1024))
    assert len(bomb) < 200 * 1024
    assert "ZIP bomb" in _refused(make_user("alice"), bomb)


def test_limits_on_entries_and_total_size(make_user):
    alice = make_user("alice")
    assert "entries" in _refused(alice, build_zip(), limits=ImportLimits(max_entries=10))
    assert "unpacks to more than" in _refused(alice, build_zip(), limits=ImportLimits(max_total_bytes=2000))


def test_a_header_that_lies_about_its_size_is_damage_not_a_bypass(make_user):
    data = bytearray(_zip_with("site/_pages/cv.md", page_source("CV", "/cv/", body="x" * 5000)))
    # Shrink the declared size in the central directory: reading stops there and the CRC no longer matches.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    message = _refused(make_user("alice"), bytes(data))
    assert "damaged at _pages/cv.md" in message


def test_not_a_zip_and_an_empty_zip_are_explained(make_user):
    alice = make_user("alice")
    assert "not a ZIP archive" in _refused(alice, b"just text")
    assert "academicpages repository" in _refused(alice, build_zip({"README.md": "hi"}))


def test_unsafe_urls_in_item_front_matter_are_never_links(make_user):
    alice = make_user("alice")
    run_import(alice, build_zip())
    listing = pages.current_revision(pages.find_page(alice, "/publications/")).body_html
    assert "javascript:" not in listing  # in the paperurl of 'On Difference Engines'
    assert 'href="/alice/files/paper1.pdf"' in listing
    assert listing.index("Notes on the Analytical Engine") < listing.index("On Difference Engines")  # newest first


def test_assets_in_subfolders_keep_their_folders_so_the_pages_links_still_work(make_user):
    files = site_with({"images/fig_pose/1.png": PNG, "images/pubs/2020/demo/a.jpg": JPEG,
                       "files/talks/slides.pdf": PDF})
    report = run_import(make_user("alice"), build_zip(files))
    imported = {path: url for path, _what, url in report.imported}
    assert imported["images/fig_pose/1.png"] == "/alice/images/fig_pose/1.png"
    assert imported["images/pubs/2020/demo/a.jpg"] == "/alice/images/pubs/2020/demo/a.jpg"
    assert imported["files/talks/slides.pdf"] == "/alice/files/talks/slides.pdf"
    names = set(db.session.scalars(select(Asset.name)))
    assert {"fig_pose/1.png", "pubs/2020/demo/a.jpg", "talks/slides.pdf"} <= names


def test_assets_too_deep_with_odd_names_or_of_other_kinds_are_skipped_with_a_reason(make_user):
    files = site_with({"images/a/b/c/d/e.png": PNG, "images/my+figs/a.png": PNG, "files/slides.pptx": b"PK..",
                       "files/cv;1.pdf": PDF, "files/my cv.pdf": PDF})
    report = run_import(make_user("alice"), build_zip(files))
    skipped = dict(report.skipped)
    assert "more than 3 folders deep" in skipped["images/a/b/c/d/e.png"]
    assert "rename" in skipped["images/my+figs/a.png"]
    assert "PNG, JPEG" in skipped["files/slides.pptx"]
    assert "rename" in skipped["files/cv;1.pdf"]
    assert ("files/my cv.pdf", "file", "/alice/files/my%20cv.pdf") in report.imported  # a space is kept


def test_one_name_in_images_and_files_is_one_file_if_the_same_and_a_refusal_if_not(make_user):
    alice = make_user("alice")
    same = run_import(alice, build_zip(site_with({"images/x.png": PNG, "files/x.png": PNG})))
    assert same.ok
    assert [reason for path, reason in same.skipped if path.endswith("/x.png")] in (
        ["the same file as images/x.png"], ["the same file as files/x.png"])
    before = counts()
    different = run_import(alice, build_zip(site_with({"images/y.pdf": PDF, "files/y.pdf": PDF + b"%v2"})))
    assert not different.ok and counts() == before
    [(path, message)] = different.errors
    assert path.endswith("/y.pdf") and "has the name of" in message and "Rename one" in message


def test_a_collection_folder_the_config_does_not_name_is_not_built_as_jekyll_does(make_user):
    alice = make_user("alice")
    config = SITE_FILES["_config.yml"].replace("  portfolio:\n    output: true\n    permalink: /:collection/:path/\n",
                                               "")
    report = run_import(alice, build_zip(site_with({"_config.yml": config})))
    assert report.ok, report.errors
    assert "not in the collections:" in dict(report.skipped)["_portfolio/portfolio-1.md"]
    assert not [page for page in pages.list_pages(alice) if page.collection == "portfolio"]


THEME_HEADER = """<header><span class="site-title"><a href="/">Ada</a></span>
<nav class="site-nav">
  <a class="page-link" href="{{ site.baseurl }}/">about</a>
  <a class="page-link" href="{{ '/blog/' | prepend: site.baseurl }}">{{ site.blog_name }}</a>
  {% for page in site.pages %}{% if page.title and page.url != "/" %}
  <a class="page-link" href="{{ page.url | prepend: site.baseurl }}">{{ page.title }}</a>{% endif %}{% endfor %}
  <a href="https://github.com/ada">github</a> <a href="javascript:alert(1)">x</a>
</nav></header>
"""


def test_a_theme_without_navigation_yml_gets_the_menu_its_header_include_draws(make_user, client):
    alice = make_user("alice")
    files = {"_config.yml": "name: Ada\nblog_name: blog\n", "_includes/header.html": THEME_HEADER,
             "_pages/about.md": "---\nlayout: about\ntitle: about\npermalink: /\n---\nHi.\n",
             "_pages/publications.md": "---\ntitle: publications\npermalink: /publications/\n---\nPapers.\n"}
    report = run_import(alice, build_zip(files))
    assert ("_includes/header.html", "menu of 3 entries", "") in report.imported
    assert ("_includes/header.html", "the menu entry 'blog' (/blog/) is not shown: no imported page has that "
                                     "address.") in report.notices
    assert [entry["url"] for entry in alice.profile.navigation] == ["/", "/blog/", "/publications/",
                                                                   "https://github.com/ada"]
    assert 'href="/alice/publications/">publications</a>' in client.get("/alice/").get_data(as_text=True)


def test_the_sites_own_layouts_are_imported_and_run_and_the_themes_are_left_to_the_shared_theme(make_user):
    alice = make_user("alice")
    report = run_import(alice, build_zip(site_with({
        "_layouts/book.html": "---\nlayout: default\n---\n<article><h1>{{ page.title }}</h1>{{ content }}</article>",
        "_books/novel.md": "---\ntitle: A Novel\nlayout: book\n---\nChapter one.\n",
        "_config.yml": "title: Ada\ncollections:\n  books:\n    output: true\n    permalink: /book/:path/\n",
    })))
    assert report.ok, report.errors
    imported = {path: what for path, what, _url in report.imported}
    assert imported["_layouts/book.html"] == "site file"
    assert "theme" in dict(report.skipped)["_layouts/ (1 file)"]
    revision = pages.current_revision(pages.find_page(alice, "/book/novel/"))
    assert "<article><h1>A Novel</h1><p>Chapter one.</p>" in revision.body_html.replace("\n", "")
    assert revision.layout_draws_title


# services/export.py's LAYOUT as every export before it was marked wrote it: those ZIPs are imported still.
UNMARKED_EXPORT_LAYOUT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }} - {{ site.title }}</title></head>
<body>
<nav>{% for link in site.data.navigation.main %}
  <a href="{{ link.url | relative_url }}">{{ link.title }}</a>
{% endfor %}</nav>
<main>
<h1>{{ page.title }}</h1>
{{ content }}
</main>
</body>
</html>
"""


@pytest.mark.parametrize("layout", [export.LAYOUT, UNMARKED_EXPORT_LAYOUT,
                                    UNMARKED_EXPORT_LAYOUT.replace("\n", "\r\n")])
def test_profilehosts_own_export_layouts_are_left_out_and_items_keep_the_themes_lines(make_user, client, layout):
    alice = make_user("alice")
    report = run_import(alice, build_zip(site_with({"_layouts/single.html": layout, "_layouts/talk.html": layout})))
    assert report.ok, report.errors
    assert not [path for path, _what, _url in report.imported if path.startswith("_layouts/")]
    assert "the plain layout a profilehost export adds" in dict(report.skipped)["_layouts/ (3 files)"]
    paper = client.get("/alice/publication/2024-01-15-paper-one/").get_data(as_text=True)
    assert "Published in <i>Journal of Example Studies</i>, 2024" in paper and "Download Paper" in paper
    talk = client.get("/alice/talks/2023-03-01-talk-1/").get_data(as_text=True)
    assert "<strong>Date:</strong>" in talk


def test_a_sites_own_edit_of_the_export_layout_is_its_own_and_kept(make_user):
    alice = make_user("alice")
    edited = export.LAYOUT.replace("<main>", "<main class=\"mine\">")
    report = run_import(alice, build_zip(site_with({"_layouts/single.html": edited})))
    assert ("_layouts/single.html", "site file", "") in report.imported


ZOTERO_BIB = (Path(__file__).parent.parent / "fixtures/bib/zotero.bib").read_bytes()


def test_an_item_of_the_bibliographys_entry_is_left_out_and_other_items_are_imported(make_user):
    alice = make_user("alice")
    report = run_import(alice, build_zip({
        "_bibliography/papers.bib": ZOTERO_BIB,
        "_publications/lovelace_notes_2021.md": page_source("Notes", "/publication/lovelace_notes_2021/",
                                                            bibtex_key="lovelace_notes_2021"),
        "_publications/other.md": page_source("Other", "/publication/other/", bibtex_key="not_in_the_bib"),
        "_publications/plain.md": page_source("Plain", "/publication/plain/"),
    }))
    assert report.ok, report.errors
    assert ("_publications/lovelace_notes_2021.md",
            "the bibliography's entry lovelace_notes_2021, made again from _bibliography/") in report.skipped
    assert "/publication/lovelace_notes_2021/" not in permalinks(alice)
    assert {"/publication/other/", "/publication/plain/"} <= set(permalinks(alice))
    assert "_publications/lovelace_notes_2021.md" not in [path for path, *_rest in report.imported]


def test_an_item_naming_a_bibtex_key_is_imported_when_the_archive_has_no_bibliography(make_user):
    alice = make_user("alice")
    report = run_import(alice, build_zip({"_publications/notes.md": page_source(
        "Notes", "/publication/notes/", bibtex_key="lovelace_notes_2021")}))
    assert report.ok, report.errors
    assert permalinks(alice) == {"/publication/notes/": "publications", "/publications/": None}
