"""academicpages' 404.md is the site's not-found page: stored and edited like a page, recognised as the page for
missing addresses, and left out of what lists the site's pages (the sitemap, the menu's targets)."""

from site_archive import build_zip, site_with

from factories import page_source, publish
from profilehost.services import pages, site_import, sites

NOT_FOUND = b"---\ntitle: Page not found\npermalink: /404.html\n---\nSorry, nothing here. Try the home page.\n"


def test_a_404_page_is_recognised_and_left_out_of_the_site_pages(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Home", "/"))
    page = pages.publish_upload(alice, NOT_FOUND, "_pages/404.md").page
    assert pages.is_not_found_page(page)
    found, revision = pages.not_found_page(alice)
    assert found.id == page.id and "Sorry, nothing here." in revision.body_html
    assert [listed.permalink for listed in sites.public_pages(alice)] == ["/"]


def test_a_404_md_without_a_permalink_is_the_not_found_page_too(make_user):
    alice = make_user("alice")
    page = pages.publish_upload(alice, b"---\ntitle: Lost\n---\nNothing here.\n", "404.md").page
    assert page.permalink == "/404/" and pages.not_found_page(alice)[0].id == page.id


def test_a_draft_404_page_is_not_served(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, NOT_FOUND.replace(b"---\nSorry", b"published: false\n---\nSorry"), "404.md")
    assert pages.not_found_page(alice) is None


def test_an_imported_404_md_is_the_not_found_page(make_user):
    alice = make_user("alice")
    report = site_import.import_site(alice, build_zip(site_with({"_pages/404.md": NOT_FOUND})), "site.zip",
                                     quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    found = pages.not_found_page(alice)[0]
    assert found.title == "Page not found"  # at /404/: an import gives .html addresses their folder form
    assert found.permalink not in {page.permalink for page in sites.public_pages(alice)}
