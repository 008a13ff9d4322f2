"""A researcher who forgot the password asks for a link, reads it from the mail server, chooses a new password and
is signed in; every page of the journey passes axe."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from browser_checks import follow, serious_violations
from support import free_port, link_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def live_server(make_app, smtp):
    """As conftest's live server, sending its mail to the test's SMTP server."""
    port = free_port()  # mailed links name the site's configured address, never the request's Host
    server = make_server("127.0.0.1", port, make_app(**smtp.app_settings(), BASE_URL=f"http://127.0.0.1:{port}"),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_forgotten_password_is_reset_by_email(new_page, make_user, smtp, axe_source):
    make_user("grace")
    page = new_page()
    page.goto(page.base + "/login")
    follow(page, page.get_by_role("link", name="Forgot password?"))
    assert serious_violations(page, axe_source) == []
    page.get_by_label("Your account's email address").fill("grace@example.org")
    follow(page, page.get_by_role("button", name="Mail me a link"))
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert serious_violations(page, axe_source) == []

    page.goto(page.base + link_in(smtp.last_to("grace@example.org"), "/password/reset/"))
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    assert serious_violations(page, axe_source) == []
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    follow(page, page.get_by_role("button", name="Save the new password"))

    assert page.url == page.base + "/dashboard/"
    assert "Your password is changed" in page.content()
    assert page.dialogs == [] and page.errors == [] and page.foreign == []
