"""A real server on loopback and Debian's Chromium driven by Playwright.

Skipped, saying why, when Chromium or axe-core is missing on a developer's machine; in CI (CI=true) a missing
browser fails instead, because .ci/run installs it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# `make screenshots` points SCREENSHOTS_DIR at docs/screenshots/; a test run writes into a temporary folder, so
# running the suite never rewrites tracked files.
SCREENSHOTS_ENV = "SCREENSHOTS_DIR"  # not PROFILEHOST_: the app refuses settings it does not know
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI installs it: see .ci/run)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser():
    _require(Path(CHROMIUM).exists(), "browser tests skipped: Debian's chromium is not installed "
                                      "(apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_server(make_app):
    """The app served by Werkzeug in a thread; yields its base URL."""
    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser, live_server):
    """A page in a fresh browser context that records dialogs, console errors and requests to other hosts."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        # External images are allowed by the CSP (img-src https:), as researchers embed badges and figures;
        # any other request to another host would be a leak.
        page.dialogs, page.errors, page.foreign, page.foreign_images = [], [], [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: None if request.url.startswith((live_server, "data:", "about:")) else (
            page.foreign_images if request.resource_type == "image" else page.foreign).append(request.url))
        page.base = live_server
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE.exists(), "accessibility checks skipped: run 'npm ci --prefix tests/e2e' for axe-core")
    return AXE.read_text()


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
