"""A visitor reads a profile on a phone and on a desktop, follows the menu and an old address, switches to
dark mode, goes back from a talk's page to the list of talks, and reports the page."""

import pytest

from browser_checks import follow, horizontal_overflow, leads_back_to_its_list, screenshot, serious_violations
from factories import page_source, publish, publish_site
from profilehost.services import pages, profiles

LONG_CONTENT = ("## Data\n\n| Year | Venue | A very long column heading | Another long heading | And one more |\n"
                "|---|---|---|---|---|\n| 2026 | EXAMPLE | " + "wide cell content " * 4 + "| x | y |\n\n"
                "A long address: https://example.org/" + "very-long-path-segment/" * 6 + "\n\n"
                "```\n" + "a_very_long_line_of_code = 1  # " + "x" * 120 + "\n```\n")


@pytest.fixture
def site(make_user):
    alice = make_user("alice")
    publish_site(alice)
    publish(alice, page_source("Data", "/data/", LONG_CONTENT, nav_order=3, author_profile="true"))
    profiles.update_profile(alice, {"display_name": "Grace Fixture", "pronouns": "she/her", "bio": "Tests things.",
                                    "employer": "Institute of Fixtures", "location": "Testville",
                                    "links": {"github": "gracefixture", "orcid": "0000-0002-1825-0097",
                                              "email": "grace@example.org"}})
    return alice


@pytest.fixture
def talk(site):
    talks = "{% for post in site.talks reversed %}{% include archive-single.html %}{% endfor %}"
    publish(site, page_source("Talks", "/talks/", talks, nav_order=4), "talks.md")
    pages.publish_upload(site, b"---\ntitle: A keynote on fixtures\npermalink: /talks/2024-keynote/\n---\n\n"
                               b"What the talk was about.\n", "_talks/2024-keynote.md", collection="talks")
    return "/alice/talks/2024-keynote/"


def test_reading_on_a_phone(new_page, site, axe_source, screenshots_dir):
    page = new_page(360, 740)
    page.goto(page.base + "/alice/")
    assert horizontal_overflow(page) <= 0
    author, content = page.locator("aside.author").bounding_box(), page.locator("main").bounding_box()
    assert author["y"] + author["height"] <= content["y"] + 1, "the sidebar stacks above the content"
    assert page.locator("img.author__avatar, .author__avatar--initials").count() == 1
    screenshot(page, screenshots_dir, "public-phone")
    page.goto(page.base + "/alice/data/")
    assert horizontal_overflow(page) <= 0, "tables, code and long URLs scroll or wrap inside the page"
    table = page.locator("[data-page-body] table").bounding_box()
    assert table["width"] <= 360
    assert serious_violations(page, axe_source) == []
    assert page.errors == [] and page.foreign == [] and page.dialogs == []


def test_reading_on_a_desktop_following_the_menu_and_an_old_address(new_page, site, axe_source, screenshots_dir):
    page = new_page()
    page.goto(page.base + "/alice/about/")
    assert page.url == page.base + "/alice/"
    author, content = page.locator("aside.author").bounding_box(), page.locator("main").bounding_box()
    assert author["x"] + author["width"] <= content["x"], "the sidebar sits beside the content"
    assert page.locator("aside.author").get_by_text("Institute of Fixtures").is_visible()
    screenshot(page, screenshots_dir, "public-desktop")
    assert serious_violations(page, axe_source) == []
    follow(page, page.get_by_role("link", name="Publications"))
    assert page.url == page.base + "/alice/publications/"
    assert page.locator("[aria-current=page]").inner_text() == "Publications"
    assert page.errors == [] and page.foreign == []


def test_dark_mode_is_remembered(new_page, site, axe_source, screenshots_dir):
    page = new_page()
    page.goto(page.base + "/alice/")
    page.get_by_role("button", name="Dark mode").click()
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
    screenshot(page, screenshots_dir, "public-dark")
    assert serious_violations(page, axe_source) == []


def test_following_the_system_dark_scheme(new_page, site, axe_source):
    page = new_page(scheme="dark")
    page.goto(page.base + "/alice/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    assert serious_violations(page, axe_source) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_talks_page_on_a_phone_leads_back_to_the_talks(new_page, talk, axe_source, screenshots_dir, scheme):
    page = new_page(390, 844, scheme=scheme)
    page.goto(page.base + talk)
    assert horizontal_overflow(page) <= 0
    screenshot(page, screenshots_dir, f"talk-phone-{scheme}")
    assert serious_violations(page, axe_source) == []
    leads_back_to_its_list(page, "/alice/talks/", "Talks")
    assert page.errors == [] and page.foreign == [] and page.dialogs == []


def test_reporting_a_page(new_page, site):
    page = new_page(360, 740)
    page.goto(page.base + "/alice/")
    follow(page, page.get_by_role("link", name="Report this page"))
    page.get_by_label("Spam").check()
    page.get_by_label("Details (optional)").fill("Looks like advertising.")
    page.get_by_label("Your email (optional)").fill("visitor@example.org")
    follow(page, page.get_by_role("button", name="Send report"))
    assert "Thank you, we received your report" in page.content()
    follow(page, page.locator("a[href*='/report/status/']"))
    assert "Being reviewed" in page.content()
