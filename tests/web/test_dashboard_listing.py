"""The dashboard lists a real site as the site is grouped (its pages, then each collection), finds a page by its
title or address, narrows to drafts, moderated pages or pages with notices, and pages the answer: all in the
query string, so it works without a script."""

import re

import pytest

from factories import page_source, publish
from profilehost.services import moderation, pages, site_files


def item(tenant, collection: str, number: int):
    source = f"---\ntitle: Talk {number}\ndate: 2024-01-{number % 28 + 1:02d}\n---\nText.\n".encode()
    return pages.publish_upload(tenant, source, f"_{collection}/talk-{number}.md", collection=collection)


@pytest.fixture
def site(logged_in):
    for number in range(30):
        publish(logged_in.user, page_source(f"Page {number:02d}", f"/p{number:02d}/"))
    for number in range(3):
        item(logged_in.user, "talks", number)
    return logged_in


def titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="title-cell">([^<]*)</th>', html)


def test_pages_come_first_then_each_collection_with_their_counts(site):
    html = site.get("/dashboard/").get_data(as_text=True)
    assert html.index(">Pages <span class=\"count\">(30)") < html.index(">Talks and presentations <span")
    assert "(3)</span>" in html
    assert len(titles(html)) == pages.PAGES_PER_SCREEN and "Talk 1" not in titles(html)
    talks = site.get("/dashboard/?group=talks").get_data(as_text=True)
    assert sorted(titles(talks)) == ["Talk 0", "Talk 1", "Talk 2"]


def test_the_second_screen_holds_the_rest(site):
    html = site.get("/dashboard/?page=2").get_data(as_text=True)
    assert titles(html) == [f"Page {number:02d}" for number in range(25, 30)]
    assert "Showing 26 to 30 of 30" in html and 'rel="prev"' in html and 'rel="next"' not in html


def test_a_search_finds_a_page_by_title_or_address(site):
    assert titles(site.get("/dashboard/?q=page+17").get_data(as_text=True)) == ["Page 17"]
    assert titles(site.get("/dashboard/?q=/p03/").get_data(as_text=True)) == ["Page 03"]
    nothing = site.get("/dashboard/?q=%25").get_data(as_text=True)  # a LIKE wildcard is a plain character
    assert titles(nothing) == [] and "No pages match" in nothing


def test_filters_narrow_to_drafts_moderated_pages_and_pages_with_notices(site):
    publish(site.user, page_source("Unfinished", "/unfinished/", published="false"))
    moderation.unpublish_page(None, publish(site.user, page_source("Taken down", "/down/")).page, "Spam")
    publish(site.user, page_source("Broken link", "/broken/", body="[x](/nowhere/)"))
    assert titles(site.get("/dashboard/?status=draft").get_data(as_text=True)) == ["Unfinished"]
    assert titles(site.get("/dashboard/?status=unpublished").get_data(as_text=True)) == ["Taken down"]
    with_notices = site.get("/dashboard/?status=notices").get_data(as_text=True)
    assert titles(with_notices) == ["Broken link"] and "1 notice" in with_notices


@pytest.mark.parametrize("query", ["?page=0", "?page=99999999999", "?page=x", "?group=nope", "?status=%00",
                                   "?q=%00", "?group=" + "x" * 5000])
def test_any_query_string_answers_a_screen(site, query):
    response = site.get("/dashboard/" + query)
    assert response.status_code == 200


def test_the_menu_column_says_where_visitors_see_each_page_in_the_menu(logged_in):
    """With a navigation.yml, its order is the menu's: a page with a nav_order it does not list is not in it."""
    alice = logged_in.user
    publish(alice, page_source("About", "/", nav_order=1))
    publish(alice, page_source("CV", "/cv/", nav_order=2))
    publish(alice, page_source("Talks", "/talks/"))
    site_files.save_site_file(alice, "_data/navigation.yml",
                              b"main:\n  - title: Talks\n    url: /talks/\n  - title: Home\n    url: /\n")
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    cells = dict(re.findall(r'<th scope="row" class="title-cell">([^<]+)</th>.*?<td data-label="Menu">([^<]+)</td>',
                            html, re.S))
    assert cells == {"About": "2", "CV": "–", "Talks": "1"}
