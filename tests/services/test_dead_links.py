"""A link that leads nowhere on the tenant's own site is named in a notice, with how to fix it."""

from pathlib import Path

from site_archive import build_zip

from factories import PDF, page_source, publish, store_file
from profilehost.extensions import db
from profilehost.services import bibliography, pages, site_build, site_import

LINKS = ("[CV](/files/cv.pdf) [slides](files/talk%20slides.pdf) [photo](/images/me.png) [home](/) [about](/about) "
         "[old](/about-me.html) [gone](/nowhere/) [out](https://example.org/x) [top](#top) [mail](mailto:a@b.org)")


def notices_of(outcome) -> list[str]:
    return [notice for notice in outcome.notices if "leads nowhere" in notice]


def test_each_link_to_a_missing_file_or_page_is_named_and_nothing_else(make_user):
    alice = make_user("alice")
    publish(alice, page_source("About", "/about/", redirect_from="[/about-me.html]"), "about.md")
    outcome = publish(alice, page_source("Home", "/", LINKS), "index.md")
    assert notices_of(outcome) == [
        "The link to /files/cv.pdf leads nowhere: no file named 'cv.pdf' has been uploaded. Upload it under "
        "Files, or correct the link.",
        "The link to /files/talk slides.pdf leads nowhere: no file named 'talk slides.pdf' has been uploaded. "
        "Upload it under Files, or correct the link.",
        "The link to /images/me.png leads nowhere: no file named 'me.png' has been uploaded. Upload it under "
        "Files, or correct the link.",
        "The link to /nowhere/ leads nowhere: none of your pages has that address. Correct the link, or publish "
        "the page it should open with 'permalink: /nowhere/'.",
    ]
    assert pages.current_revision(outcome.page).notices[-4:] == notices_of(outcome)


def test_once_the_file_is_uploaded_the_page_publishes_without_the_notice(make_user):
    alice = make_user("alice")
    store_file(alice, "cv.pdf", PDF)
    outcome = publish(alice, page_source("Home", "/", "[CV](/files/cv.pdf) [also](files/cv.pdf)"))
    assert notices_of(outcome) == []


def test_a_page_links_to_itself_and_its_own_redirects_without_a_notice(make_user):
    alice = make_user("alice")
    outcome = publish(alice, page_source("CV", "/cv/", "[me](/cv) [old](/resume/)", redirect_from="[/resume/]"))
    assert notices_of(outcome) == []


def test_an_import_checks_links_once_every_page_and_file_is_in_place(make_user):
    alice = make_user("alice")
    files = {"_pages/a.md": "---\ntitle: A\npermalink: /a/\n---\n[B](/b/) [paper](/files/my%20paper.pdf) [x](/x/)\n",
             "_pages/b.md": "---\ntitle: B\npermalink: /b/\n---\n[A](/a/)\n", "files/my paper.pdf": PDF}
    report = site_import.import_site(alice, build_zip(files), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok
    dead = [(path, notice) for path, notice in report.notices if "leads nowhere" in notice]
    assert dead == [("_pages/a.md", "The link to /x/ leads nowhere: none of your pages has that address. Correct "
                                    "the link, or publish the page it should open with 'permalink: /x/'.")]
    assert dead[0][1] in pages.current_revision(pages.find_page(alice, "/a/")).notices


def test_a_notice_quotes_at_most_80_characters_of_a_long_link(make_user):
    alice = make_user("alice")
    outcome = publish(alice, page_source("Home", "/", f"[x](/{'a' * 3000}/)"))
    [notice] = notices_of(outcome)
    assert len(notice) < 400 and "a…" in notice and "a" * 80 not in notice


def test_a_page_rendered_again_because_a_data_file_changed_keeps_its_dead_link_notices(make_user):
    alice = make_user("alice")
    source = page_source("CV", "/cv/", "{% for job in site.data.cv.jobs %}* {{ job }}\n{% endfor %}\n"
                                       "[pdf](/files/cv.pdf)")
    publish(alice, source, "cv.md")
    site_build.write_site_file(alice, "_data/cv.yml", b"jobs: [Lecturer]\n")
    db.session.commit()
    revision = pages.current_revision(pages.find_page(alice, "/cv/"))
    assert "Lecturer" in revision.body_html
    assert [notice for notice in revision.notices if "/files/cv.pdf leads nowhere" in notice]


BIB = (Path(__file__).parent.parent / "fixtures/bib/zotero.bib").read_bytes()
ENTRY_LINKS = "[notes](/publication/lovelace_notes_2021/) [nothing](/publication/no_such_key/)"
LISTING = "{% for post in site.publications %}[{{ post.title }}]({{ base_path }}{{ post.url }}) {% endfor %}"


def test_a_link_to_an_entry_of_the_bibliography_leads_somewhere(make_user):
    alice = make_user("alice")
    bibliography.save_bibliography(alice, BIB, source_name="papers.bib")
    outcome = publish(alice, page_source("Links", "/links/", ENTRY_LINKS))
    assert [notice.split(" leads")[0] for notice in notices_of(outcome)] == [
        "The link to /publication/no_such_key/"]


def test_a_page_listing_the_publications_has_no_notice_for_the_entries_of_a_bibliography_saved_after_it(
        make_user):
    alice = make_user("alice")
    publish(alice, page_source("Publications", "/publications/", LISTING))
    bibliography.save_bibliography(alice, BIB, source_name="papers.bib")
    revision = pages.current_revision(pages.find_page(alice, "/publications/"))
    assert "/alice/publication/lovelace_notes_2021/" in revision.body_html
    assert [notice for notice in revision.notices if "leads nowhere" in notice] == []


def test_an_import_with_a_bibliography_has_no_notice_for_links_to_its_entries(make_user):
    alice = make_user("alice")
    files = {"_bibliography/papers.bib": BIB, "_pages/links.md": page_source("Links", "/links/", ENTRY_LINKS),
             "_pages/publications.md": page_source("Publications", "/publications/", LISTING)}
    report = site_import.import_site(alice, build_zip(files), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    dead = [(path, notice.split(" leads")[0]) for path, notice in report.notices if "leads nowhere" in notice]
    assert dead == [("_pages/links.md", "The link to /publication/no_such_key/")]
    for permalink in ("/links/", "/publications/"):
        notices = pages.current_revision(pages.find_page(alice, permalink)).notices
        assert not [notice for notice in notices if "lovelace" in notice and "leads nowhere" in notice], permalink


def test_an_imported_listing_page_keeps_each_dead_link_notice_once(make_user):
    alice = make_user("alice")
    listing = LISTING + "\n[gone](/no-such-page/)\n"
    files = {"_bibliography/papers.bib": BIB,
             "_pages/publications.md": page_source("Publications", "/publications/", listing)}
    assert site_import.import_site(alice, build_zip(files), "site.zip", quota=100 * 1024 * 1024).ok
    notices = pages.current_revision(pages.find_page(alice, "/publications/")).notices
    dead = [notice for notice in notices if "/no-such-page/" in notice]
    assert len(dead) == 1, notices
