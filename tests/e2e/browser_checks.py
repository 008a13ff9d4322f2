"""What the browser tests check on a page: accessibility (axe-core) and layout on small screens."""

from __future__ import annotations

from pathlib import Path


def serious_violations(page, axe_source: str) -> list[str]:
    # Injected through the DevTools protocol: a <script> tag would be blocked by our own CSP.
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def follow(page, control) -> None:
    """Clicks a link or a form's button and returns once the page it leads to has loaded.

    Playwright's click returns as soon as a navigation has started; reading the page then can read the old
    document, or an empty new one (CI saw `page.content()` return '' once)."""
    with page.expect_event("load"):
        control.click()


def leads_back_to_its_list(page, list_path: str, label: str) -> None:
    """An item's page marks its list in the menu, and its link back opens that list, marked as the page shown."""
    assert page.locator(".masthead__menu [aria-current]").inner_text() == label
    follow(page, page.locator(".page__listed-on a"))
    assert page.url == page.base + list_path
    assert page.locator("[aria-current=page]").inner_text() == label
