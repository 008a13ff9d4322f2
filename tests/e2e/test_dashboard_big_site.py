"""A researcher with a real site (an imported academicpages repository of 200 pages and items) finds a page by
searching, reorders the menu and sees every mistake of a form at once: on a phone and a desktop, light and dark,
with no serious accessibility finding and nothing wider than the screen."""

import re

import pytest
from site_archive import build_zip, site_with

from browser_checks import follow, horizontal_overflow, screenshot, serious_violations
from profilehost.services import pages, site_import
from support import PASSWORD

PAGES, TALKS = 150, 50


def generated_site() -> bytes:
    files = {f"_pages/topic-{number:03d}.md": f"---\ntitle: Topic {number:03d}\npermalink: /topic-{number:03d}/\n"
                                              f"---\nNotes on topic {number}.\n" for number in range(PAGES)}
    files |= {f"_talks/2024-01-{number % 28 + 1:02d}-talk-{number:02d}.md":
              f"---\ntitle: Talk {number:02d}\ndate: 2024-01-{number % 28 + 1:02d}\n---\nA talk.\n"
              for number in range(TALKS)}
    files["_data/navigation.yml"] = ("main:\n  - title: Publications\n    url: /publications/\n"
                                     "  - title: Talks\n    url: /talks/\n  - title: CV\n    url: /cv/\n")
    return build_zip(site_with(files))


@pytest.fixture
def big_site(make_user):
    alice = make_user("alice")
    report = site_import.import_site(alice, generated_site(), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    return alice


def log_in(page) -> None:
    page.goto(page.base + "/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Log in"))


def fits(page) -> None:
    assert horizontal_overflow(page) <= 0, "nothing is wider than the screen"


@pytest.mark.parametrize(("width", "scheme"), [(360, "light"), (360, "dark"), (1280, "light"), (1280, "dark")])
def test_a_big_site_on_a_phone_and_a_desktop(new_page, big_site, axe_source, screenshots_dir, width, scheme):
    page = new_page(width, 800, scheme=scheme)
    log_in(page)
    page.goto(page.base + "/dashboard/")
    assert page.get_by_role("link", name="Pages (").count() == 1
    assert page.locator("tbody tr").count() == 25
    published = page.locator(".badge-ok").first
    assert published.evaluate("badge => badge.getClientRects().length") == 1, "'Published' stays on one line"
    assert published.bounding_box()["height"] < 2 * published.evaluate(
        "badge => parseFloat(getComputedStyle(badge).lineHeight) || 24")
    fits(page)
    assert serious_violations(page, axe_source) == []
    screenshot(page, screenshots_dir, f"dashboard-{width}-{scheme}")

    page.get_by_label("Title or address contains").fill("topic 137")
    follow(page, page.get_by_role("button", name="Find"))
    assert page.locator("tbody tr").count() == 1
    assert page.locator("tbody th").inner_text() == "Topic 137"
    follow(page, page.get_by_role("link", name="Talks and presentations (0)"))
    assert "No talks and presentations match" in page.content()
    follow(page, page.get_by_role("link", name="Show all"))
    follow(page, page.get_by_role("link", name=re.compile(r"^Talks and presentations \((5\d)\)$")))
    follow(page, page.get_by_role("link", name="Screen 2"))
    assert page.locator("tbody tr").count() == 25
    fits(page)

    page.goto(page.base + "/dashboard/menu")
    assert page.get_by_label("Label of entry 2").input_value() == "Talks"
    follow(page, page.get_by_role("button", name="Move up Talks"))
    assert "Menu saved" in page.content()
    assert page.get_by_label("Label of entry 1").input_value() == "Talks"
    fits(page)
    assert serious_violations(page, axe_source) == []
    page.goto(page.base + "/alice/")
    assert page.locator(".masthead a, nav a", has_text="Talks").count() >= 1

    page.goto(page.base + "/dashboard/menu")
    page.get_by_label("Label of entry 1").fill("")
    page.get_by_label("Entry 2 leads elsewhere (an https:// address)").fill("javascript:alert(1)")
    page.get_by_label("Label of entry 4").fill("Blog")
    follow(page, page.get_by_role("button", name="Save the menu"))
    summary = page.locator(".error-summary")
    assert summary.get_by_role("heading").inner_text() == "There are 3 problems"
    assert summary.get_by_role("link").count() == 3
    for field in ("entries-0-title", "entries-1-url", "entries-3-target"):
        control = page.locator(f"#{field}")
        assert control.get_attribute("aria-invalid") == "true"
        assert page.locator(f"#{field}-error").is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "entries-0-title"
    fits(page)
    assert serious_violations(page, axe_source) == []
    screenshot(page, screenshots_dir, f"menu-errors-{width}-{scheme}")
    # The refused form answers 422, which the browser logs; nothing else may be logged.
    assert [error for error in page.errors if "status of 422" not in error] == []
    assert page.foreign == [] and page.dialogs == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_dashboard_list_fits_a_phone(new_page, make_user, axe_source, screenshots_dir, scheme):
    alice = make_user("alice")
    report = site_import.import_site(alice, build_zip(site_with({})), "site.zip", quota=100 * 1024 * 1024)
    assert report.ok, report.errors
    about = next(page for page in pages.list_pages(alice) if page.permalink == "/")
    source = pages.current_revision(about).source
    pages.save_edit(alice, source.replace(b"Analytical Engine", b"analytical engine of Charles Babbage"), about,
                    base_revision=about.current_revision)
    page = new_page(360, 800, scheme=scheme)
    log_in(page)
    for path in ("/dashboard/files", "/dashboard/site-files", f"/dashboard/pages/{about.id}/history",
                 f"/dashboard/pages/{about.id}/diff?from=1&to=2", "/dashboard/menu", "/dashboard/profile",
                 "/dashboard/import", "/dashboard/account"):
        assert page.goto(page.base + path).status == 200, path
        fits(page)
        assert serious_violations(page, axe_source) == [], path
    page.goto(page.base + f"/dashboard/pages/{about.id}/diff?from=1&to=2")
    assert page.locator(".diff-table ins").first.is_visible()
    screenshot(page, screenshots_dir, f"diff-phone-{scheme}")
