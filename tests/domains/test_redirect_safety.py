"""A verified domain never sends a visitor to another site: the 301 from an address with the tenant's prefix is
absolute on the domain, a link the sanitizer kept on the site stays on it, and the proxy's ask path gets the
domain's own headers there (no HSTS includeSubDomains over the researcher's names)."""

from __future__ import annotations

import re

import pytest

from factories import page_source, publish, publish_site

DOMAIN = "jane.example.org"
ROOT = f"http://{DOMAIN}"


@pytest.fixture
def jane(make_user):
    user = make_user("jane")
    publish_site(user)
    return user


@pytest.mark.parametrize("path", ["/jane//evil.example", "/jane//evil.example/x", "/jane/\\evil.example",
                                  "/jane///evil.example", "/jane/%2F%2Fevil.example", "/jane/%5Cevil.example"])
def test_an_address_with_the_prefix_is_sent_to_the_same_domain(client, verify, jane, path):
    verify(jane, DOMAIN)
    response = client.get(path, base_url=ROOT)
    assert response.status_code == 301
    assert response.headers["Location"].startswith(f"{ROOT}/"), response.headers["Location"]


def test_a_link_with_a_doubled_slash_stays_on_the_site(client, verify, jane):
    publish(jane, page_source("Links", "/links/", body='[x](/jane//evil.example/) [y](/jane/\\evil.example)'),
            "links.md")
    verify(jane, DOMAIN)
    html = client.get("/links/", base_url=ROOT).get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*evil[^"]*)"', html)
    assert hrefs and not any(href.startswith(("//", "/\\")) for href in hrefs), hrefs


def test_the_ask_path_on_a_domain_gets_the_domains_headers(make_app, domain_settings, verify, make_user):
    apex = "example.org"
    owner = make_user("ada")
    publish_site(owner)
    verify(owner, apex)
    client = make_app(**domain_settings, HTTPS=True).test_client()
    page_hsts = client.get("/", base_url=f"https://{apex}").headers.get("Strict-Transport-Security", "")
    ask = client.get(f"/caddy/ask?domain={apex}", base_url=f"https://{apex}")
    assert "includeSubDomains" not in page_hsts
    assert "includeSubDomains" not in ask.headers.get("Strict-Transport-Security", "")
    assert "Set-Cookie" not in ask.headers
