"""A site rebuilds what depends on a change: a data file -> the pages that read it; an item -> its listings."""

import pytest

from profilehost.extensions import db
from profilehost.publishing import PublishError
from profilehost.services import pages, site_build

CV = b"---\ntitle: CV\npermalink: /cv/\n---\n{% for job in site.data.cv.jobs %}\n* {{ job }}\n{% endfor %}\n"
ABOUT = b"---\ntitle: About\npermalink: /about/\n---\nHello.\n"
LISTING = (b"---\ntitle: Talks\npermalink: /talks/\n---\n{% for post in site.talks reversed %}"
           b"{% include archive-single.html %}{% endfor %}\n")


def body(tenant, permalink: str) -> str:
    return pages.current_revision(pages.find_page(tenant, permalink)).body_html


def put_data(tenant, path: str, raw: bytes | None) -> list[str]:
    rebuilt = site_build.write_site_file(tenant, path, raw)
    db.session.commit()
    return rebuilt


def test_a_data_file_change_rerenders_exactly_the_pages_that_read_it(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, CV, "_pages/cv.md")
    pages.publish_upload(alice, ABOUT, "_pages/about.md")
    about_before = pages.find_page(alice, "/about/").updated_at
    assert put_data(alice, "_data/cv.yml", b"jobs: [Lecturer, Professor]\n") == ["/cv/"]
    assert "Lecturer" in body(alice, "/cv/") and "Professor" in body(alice, "/cv/")
    assert pages.find_page(alice, "/about/").updated_at == about_before
    assert pages.find_page(alice, "/cv/").current_revision == 1  # the source did not change: no new revision


def test_a_site_file_keeps_its_history_and_a_deletion_is_a_version(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, CV, "_pages/cv.md")
    put_data(alice, "_data/cv.yml", b"jobs: [One]\n")
    put_data(alice, "_data/cv.yml", None)
    assert "One" not in body(alice, "/cv/")
    from profilehost.models import SiteFile
    versions = db.session.query(SiteFile).filter_by(user_id=alice.id, path="_data/cv.yml").order_by(
        SiteFile.number).all()
    assert [(version.number, version.current, version.source) for version in versions] == [
        (1, False, b"jobs: [One]\n"), (2, True, None)]


def test_a_broken_data_file_is_refused_naming_it_and_changes_nothing(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, CV, "_pages/cv.md")
    with pytest.raises(PublishError, match="_data/cv.yml"):
        site_build.write_site_file(alice, "_data/cv.yml", b"jobs: [unclosed\n")
    db.session.rollback()
    assert site_build.current_site_files(alice) == {}


def test_publishing_an_item_rerenders_the_pages_that_list_its_collection(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, LISTING, "_pages/talks.md")
    pages.publish_upload(alice, b"---\ntitle: Keynote on looms\ndate: 2024-05-01\n---\nText.\n",
                         "_talks/2024-05-01-keynote.md", collection="talks")
    assert "Keynote on looms" in body(alice, "/talks/")
    item = next(page for page in pages.list_pages(alice) if page.collection == "talks")
    pages.delete_page(alice, item)
    assert "Keynote on looms" not in body(alice, "/talks/")


EVERY_PAGE = (b"---\ntitle: Every page\npermalink: /every-page/\n---\n{% for post in site.pages %}\n"
              b"* [{{ post.title }}]({{ post.url }})\n{% endfor %}\n")


def test_a_page_added_renamed_or_deleted_rerenders_the_pages_that_list_site_pages(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, EVERY_PAGE, "_pages/every-page.md")
    pages.publish_upload(alice, ABOUT, "_pages/about.md")
    assert ">About</a>" in body(alice, "/every-page/")
    pages.publish_upload(alice, ABOUT.replace(b"title: About", b"title: About me"), "_pages/about.md")
    assert ">About me</a>" in body(alice, "/every-page/")
    pages.delete_page(alice, pages.find_page(alice, "/about/"))
    assert "About me" not in body(alice, "/every-page/")
    assert ">Every page</a>" in body(alice, "/every-page/")


def test_an_edit_rebuilds_a_listing_with_the_excerpts_jekyll_takes_from_each_items_markdown(make_user):
    alice = make_user("alice")
    pages.publish_upload(alice, LISTING, "_pages/talks.md")
    pages.publish_upload(alice, b"---\ntitle: Listed\ndate: 2023-05-01\n---\n\n1. First point\n2. Second point\n\n"
                              b"Later text.\n", "_talks/2023-05-01-listed.md", collection="talks")
    pages.publish_upload(alice, b"---\ntitle: Another\ndate: 2024-05-01\n---\nText.\n",
                         "_talks/2024-05-01-another.md", collection="talks")
    listing = body(alice, "/talks/")
    assert "<li>Second point</li>" in listing and "Later text." not in listing and "Another" in listing
