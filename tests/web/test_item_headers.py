"""An item's page shows the lines academicpages' own layouts show around its content: which ones, where and in
whose words depends on the layout the item names and on the academicpages version the site was made with."""

import re

import pytest

from profilehost.extensions import db
from profilehost.services import pages, site_build, site_files

PAPER = "https://doi.org/10.1/notes"
OLDER_INCLUDE = ('{% if post.citation and post.paperurl %}<p>Recommended citation: {{ post.citation }} '
                 '<a href="{{ post.paperurl }}"><u>{{ post.paperurl }}</u></a></p>{% endif %}\n')
NEWER_INCLUDE = ('{% if post.citation and post.paperurl %}<p>Recommended citation: {{ post.citation }}<br />'
                 '<a href="{{ post.paperurl }}">Download Paper</a></p>{% endif %}\n')


def item(tenant, collection: str, name: str, front: str, body: str = "The abstract.") -> str:
    source = f"---\ntitle: An item\ncollection: {collection}\n{front}---\n\n{body}\n"
    outcome = pages.publish_upload(tenant, source.encode(), f"_{collection}/{name}.md", collection=collection)
    return f"/{tenant.username}{outcome.page.permalink}"


def header_and_body(client, url: str) -> tuple[str, str]:
    html = client.get(url).get_data(as_text=True)
    header = re.search(r'<div class="item__meta">(.*?)</div>', html, re.S)
    body = html.split("data-page-body>", 1)[1].split("</article>", 1)[0]
    return (header.group(1) if header else ""), body


PUBLICATION = (f"date: 2024-01-15\nvenue: Journal of Examples\npaperurl: {PAPER}\nbibtexurl: /files/notes.bib\n"
               "citation: 'Example, Ada. (2024). Notes.'\n")


def test_a_publication_shows_its_venue_above_and_its_citation_with_download_links_after_the_content(
        make_user, client):
    alice = make_user("alice")
    url = item(alice, "publications", "notes", PUBLICATION)
    header, body = header_and_body(client, url)
    assert "Published in <i>Journal of Examples</i>, 2024" in header and "citation" not in header
    assert body.index("The abstract.") < body.index("Recommended citation: Example, Ada. (2024). Notes.<br>")
    assert (f'<a href="{PAPER}">Download Paper</a> | <a href="/alice/files/notes.bib">Download Bibtex</a>'
            in body)


@pytest.mark.parametrize(("include", "older"), [(OLDER_INCLUDE, True), (NEWER_INCLUDE, False)])
def test_the_sites_own_archive_include_tells_which_academicpages_places_the_citation(
        make_user, client, include, older):
    alice = make_user("alice")
    site_files.save_site_file(alice, "_includes/archive-single.html", include.encode())
    header, body = header_and_body(client, item(alice, "publications", "notes", PUBLICATION))
    written_out = f'Recommended citation: Example, Ada. (2024). Notes. <a href="{PAPER}"><u>{PAPER}</u></a>'
    assert (written_out in header) is older
    assert ("Download Paper" in body) is not older


def test_a_paper_link_alone_adds_nothing_after_the_content(make_user, client):
    alice = make_user("alice")
    _, body = header_and_body(client, item(alice, "publications", "p", f"date: 2024-01-15\npaperurl: {PAPER}\n"))
    assert "Download" not in body and "item__citation" not in body


def test_a_link_named_but_left_empty_still_shows_as_jekyll_shows_it(make_user, client):
    alice = make_user("alice")
    _, body = header_and_body(client, item(alice, "publications", "p", "date: 2024-01-15\nslidesurl: ''\n"))
    assert '<a href="">Download Slides</a>' in body


def test_a_talk_shows_its_date_and_a_venue_line_only_for_talk_type(make_user, client):
    alice = make_user("alice")
    typed = item(alice, "talks", "typed", "date: 2024-03-01\ntalk_type: Keynote\nvenue: The Society\n"
                                          f"location: London\npaperurl: {PAPER}\n")
    header, body = header_and_body(client, typed)
    assert "<strong>Date:</strong>" in header and "March 01, 2024" in header
    assert "Keynote at The Society, London" in header and PAPER not in body
    header, _ = header_and_body(client, item(alice, "talks", "plain", "date: 2024-03-01\ntype: Talk\n"
                                                                       "venue: The Society\n"))
    assert "The Society" not in header


def test_an_item_that_names_the_single_layout_is_shown_as_single_shows_it(make_user, client):
    alice = make_user("alice")
    header, _ = header_and_body(client, item(alice, "talks", "t", "layout: single\ndate: 2025-01-01\n"
                                                                  "venue: The Society\ntalk_type: Talk\n"))
    assert "Published in <i>The Society</i>, 2025" in header and "Date:" not in header


def test_a_layout_profilehost_does_not_know_shows_no_lines_under_the_title(make_user, client):
    alice = make_user("alice")
    html = client.get(item(alice, "publications", "p", "layout: book\ndate: 2025-01-01\nvenue: V\n")).get_data(
        as_text=True)
    assert "Published" not in html.split("data-page-body", 1)[0].split("page__title", 1)[1]


def test_an_undated_item_is_dated_the_day_it_was_built_as_jekyll_dates_it(make_user, client):
    alice = make_user("alice")
    outcome = pages.publish_upload(alice, b"---\ntitle: A thing\n---\n\nText.\n", "_portfolio/thing.md",
                                   collection="portfolio")
    header, _ = header_and_body(client, f"/alice{outcome.page.permalink}")
    assert f"<strong>Published:</strong> <time datetime=\"{outcome.page.updated_at.date().isoformat()}\">" in header


def test_a_teaching_item_shows_type_venue_and_year(make_user, client):
    alice = make_user("alice")
    header, _ = header_and_body(client, item(alice, "teaching", "c", "date: 2023-09-01\ntype: Course\nvenue: Uni\n"))
    assert "Course, <i>Uni</i>, 2023" in header


def test_the_date_label_and_link_label_come_from_the_sites_ui_text_for_its_locale(make_user, client):
    alice = make_user("alice")
    site_files.save_site_file(alice, "_config.yml", b'locale: "it-IT"\n')
    site_files.save_site_file(alice, "_data/ui-text.yml",
                              b'it: &IT\n  date_label: "Aggiornato:"\n  ext_link_label: "Collegamento"\n'
                              b'it-IT:\n  <<: *IT\n')
    header, body = header_and_body(client, item(alice, "datasets", "d", "date: 2022-01-01\n"
                                                                       "link: https://example.org/data\n"))
    assert "<strong>Aggiornato:</strong>" in header
    assert '<a class="btn" href="https://example.org/data">Collegamento</a>' in body


def test_a_page_with_modified_shows_it_under_the_title_and_other_pages_show_nothing(make_user, client):
    alice = make_user("alice")
    pages.publish_upload(alice, b"---\ntitle: Terms\npermalink: /terms/\nmodified: 2016-06-06\n---\n\nText.\n",
                         "_pages/terms.md")
    pages.publish_upload(alice, b"---\ntitle: About\npermalink: /about/\n---\n\nText.\n", "_pages/about.md")
    header, _ = header_and_body(client, "/alice/terms/")
    assert "<strong>Published:</strong>" in header and "June 06, 2016" in header
    assert 'class="item__meta"' not in client.get("/alice/about/").get_data(as_text=True)


def test_markup_in_the_header_lines_is_dropped_and_the_text_kept(make_user, client):
    alice = make_user("alice")
    header, _ = header_and_body(client, item(alice, "talks", "x", "date: 2024-03-01\n"
                                                                  "talk_type: '<script>alert(1)</script>'\n"
                                                                  "location: '<img src=x onerror=alert(1)>'\n"))
    assert "<script" not in header and "<img" not in header and "alert(1) at" in header


def test_a_layout_the_config_defaults_give_decides_the_lines_without_a_notice_on_every_item(make_user, client):
    alice = make_user("alice")
    config = (b"defaults:\n  - scope:\n      path: ''\n      type: talks\n    values:\n      layout: single\n"
              b"  - scope:\n      path: ''\n      type: teaching\n    values:\n      layout: course\n")
    site_build.write_site_file(alice, "_config.yml", config)
    db.session.commit()
    header, _ = header_and_body(client, item(alice, "talks", "t", "date: 2025-01-01\nvenue: The Society\n"
                                                                  "talk_type: Talk\n"))
    assert "Published in <i>The Society</i>, 2025" in header and "Date:" not in header
    course = pages.publish_upload(alice, b"---\ntitle: A course\n---\nText.\n", "_teaching/c.md",
                                  collection="teaching")
    assert not [notice for notice in course.notices if "layout" in notice]


FORK_SINGLE = ('---\nlayout: default\n---\n<header>{% if page.title %}<h1 class="page__title">{{ page.title }}</h1>'
               '{% endif %}<p class="item__authors"><strong>{{ page.authors }}</strong></p>'
               '<p>Published in <i>{{ page.venue }}</i></p></header>\n<section class="page__content">{{ content }}\n'
               '<p>Cite: {{ page.citation }}</p></section>\n')


def test_a_site_with_its_own_copy_of_the_single_layout_shows_the_lines_that_copy_writes(make_user, client):
    alice = make_user("alice")
    url = item(alice, "publications", "notes", PUBLICATION + "authors: A. Example and B. Fixture\n")
    site_files.save_site_file(alice, "_layouts/single.html", FORK_SINGLE.encode())
    header, body = header_and_body(client, url)
    assert header == ('<p class="item__authors"><strong>A. Example and B. Fixture</strong></p>'
                      "<p>Published in <i>Journal of Examples</i></p>")
    assert body.strip().endswith("<p>Cite: Example, Ada. (2024). Notes.</p>")
    assert "Download Paper" not in body  # the copy, not academicpages' own layout, decides
    site_files.delete_site_file(alice, "_layouts/single.html")
    header, body = header_and_body(client, url)
    assert "Published in <i>Journal of Examples</i>, 2024" in header and "Download Paper" in body
