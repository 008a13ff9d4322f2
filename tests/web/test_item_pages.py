"""An item's page leads back to the page that lists its collection and marks that page in the menu, by the rule an
entry's page follows (sites.listing_page). academicpages' own single layout shows no such link: it is the theme's,
above the title and outside the content the site wrote."""

import re

import pytest

from factories import page_source, publish
from profilehost.services import collections, pages, site_files
from support import post_form

ITEMS = {"talks": ("_talks/2024-keynote.md", "/talks/2024-keynote/"),
         "publications": ("_publications/2020-paper.md", "/publication/2020-paper/"),
         "posts": ("_posts/2024-01-02-hello.md", "/hello/")}


def item(tenant, collection: str, title: str = "An item") -> str:
    filename, permalink = ITEMS[collection]
    source = f"---\ntitle: {title}\npermalink: {permalink}\ndate: 2024-01-02\n---\n\nText of the item.\n"
    pages.publish_upload(tenant, source.encode(), filename, collection=collection)
    return f"/{tenant.username}{permalink}"


def listing(tenant, collection: str, title: str, permalink: str, **front) -> pages.PublishOutcome:
    loop = f"{{% for post in site.{collection} reversed %}}{{% include archive-single.html %}}{{% endfor %}}"
    return publish(tenant, page_source(title, permalink, loop, **front), permalink.strip("/") + ".md")


def listed_on(html: str) -> str | None:
    found = re.search(r'<p class="page__listed-on"><a href="([^"]*)"><span aria-hidden="true">← </span>([^<]*)</a>',
                      html)
    return f"{found.group(2)} {found.group(1)}" if found else None


def marked(html: str) -> list[str]:
    menu = html.split('aria-label="Site menu"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]*)" aria-current="true">', menu)


@pytest.mark.parametrize("collection", ["talks", "publications", "posts"])
def test_an_items_page_links_back_to_its_collections_list_and_marks_its_menu_item(make_user, client, collection):
    alice = make_user("alice")
    publish(alice, page_source("Home", "/", nav_order=1))
    address = collections.LISTING_PERMALINKS[collection]
    listing(alice, collection, "The list", address, nav_order=2)
    html = client.get(item(alice, collection)).get_data(as_text=True)
    assert listed_on(html) == f"The list /alice{address}"
    assert marked(html) == [f"/alice{address}"]
    assert 'aria-current="page"' not in html


def test_the_list_is_found_by_what_its_liquid_reads_before_its_usual_address(make_user, client):
    alice = make_user("alice")
    publish(alice, page_source("Talks", "/talks/", "Written by hand."))
    listing(alice, "talks", "Speaking", "/speaking/")
    assert listed_on(client.get(item(alice, "talks")).get_data(as_text=True)) == "Speaking /alice/speaking/"


def test_an_item_whose_collection_no_page_lists_links_nowhere_and_marks_nothing(make_user, client):
    alice = make_user("alice")
    publish(alice, page_source("Home", "/", nav_order=1))
    listing(alice, "talks", "Talks", "/talks/", nav_order=2)
    html = client.get(item(alice, "publications")).get_data(as_text=True)
    assert listed_on(html) is None and marked(html) == []


def test_a_navigation_yml_menu_marks_the_list_too(make_user, client):
    alice = make_user("alice")
    listing(alice, "talks", "Talks", "/talks/")
    site_files.save_site_file(alice, "_data/navigation.yml",
                              b"main:\n  - title: Speaking\n    url: /talks/\n  - title: Elsewhere\n"
                              b"    url: https://example.org/\n")
    assert marked(client.get(item(alice, "talks")).get_data(as_text=True)) == ["/alice/talks/"]


def test_the_link_back_is_outside_the_content_the_site_wrote(make_user, client):
    alice = make_user("alice")
    listing(alice, "talks", "Talks", "/talks/")
    html = client.get(item(alice, "talks")).get_data(as_text=True)
    content = html.split("data-page-body>", 1)[1].split("</article>", 1)[0]
    assert "page__listed-on" not in content and "Text of the item." in content
    assert html.index("page__listed-on") < html.index('<h1 class="page__title">')


def test_a_cached_items_page_follows_its_list_when_the_list_is_renamed_or_moved(make_user, client):
    alice = make_user("alice")
    listed = listing(alice, "talks", "Talks", "/talks/", nav_order=2)
    url = item(alice, "talks")
    assert listed_on(client.get(url).get_data(as_text=True)) == "Talks /alice/talks/"
    assert listed_on(client.get(url).get_data(as_text=True)) == "Talks /alice/talks/"  # from the cache now
    listing(alice, "talks", "Talks and lectures", "/talks/", nav_order=2)
    assert listed_on(client.get(url).get_data(as_text=True)) == "Talks and lectures /alice/talks/"
    listing(alice, "talks", "Lectures", "/lectures/", nav_order=3)
    pages.delete_page(alice, listed.page)
    html = client.get(url).get_data(as_text=True)
    assert listed_on(html) == "Lectures /alice/lectures/" and marked(html) == ["/alice/lectures/"]


def test_the_preview_of_an_item_shows_the_link_back_and_the_marked_menu_as_its_page_will(logged_in):
    alice = logged_in.user
    listing(alice, "talks", "Talks", "/talks/", nav_order=2)
    item(alice, "talks")
    page = pages.find_page(alice, ITEMS["talks"][1])
    response = post_form(logged_in, f"/dashboard/pages/{page.id}/preview", {"source": "---\ntitle: Changed\n---\n"},
                         form_url=f"/dashboard/pages/{page.id}/edit")
    html = response.get_data(as_text=True)
    assert listed_on(html) == "Talks /alice/talks/" and marked(html) == ["/alice/talks/"]
