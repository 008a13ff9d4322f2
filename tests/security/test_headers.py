"""Security headers on every kind of response, from one place (profilehost.security)."""

import pytest

from factories import PNG, page_source, publish, store_file
from support import log_in

EXPECTED_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
                "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@pytest.fixture
def site(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Home", "/"))
    store_file(alice, "me.png", PNG)
    return alice


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/alice/", "/alice/missing/", "/report",
                                 "/robots.txt", "/sitemap.xml", "/no-such-tenant/", "/static/css/base.css"])
def test_every_response_carries_the_security_headers(client, site, url):
    response = client.get(url)
    response.close()
    headers = response.headers
    assert headers["Content-Security-Policy"] == EXPECTED_CSP
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers


def test_assets_are_sandboxed_and_never_html(client, site):
    response = client.get("/alice/images/me.png")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"] == 'inline; filename="me.png"'


def test_dashboard_and_admin_are_never_cached(client, make_user):
    make_user("boss", admin=True)
    log_in(client, "boss")
    for url in ("/dashboard/", "/admin/", "/dashboard/account"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_templates_carry_no_inline_script_style_or_handlers():
    import re
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))", text), template
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "<style" not in text, template


def test_csrf_token_is_bound_to_the_session(make_client, make_user):
    from support import PASSWORD, csrf_token_from

    make_user("alice")
    first, second = make_client(), make_client()
    token = csrf_token_from(first.get("/login").get_data(as_text=True))
    second.get("/login")
    response = second.post("/login", data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert response.status_code == 400
