"""A verified domain serves its researcher's site at its root: links, menu, redirects, canonical and feed URLs
name the domain; the site's old addresses answer 301 there; no response sets a cookie and none is read."""

from __future__ import annotations

import re

import pytest

from factories import page_source, publish, publish_site, store_file
from profilehost.domains import service
from profilehost.services import moderation, pages
from support import log_in

DOMAIN = "jane.example.org"
ROOT = f"http://{DOMAIN}"


@pytest.fixture
def jane(make_user):
    user = make_user("jane")
    publish_site(user)
    store_file(user, "cv.pdf")
    return user


@pytest.fixture
def served(verify, jane):
    return verify(jane, DOMAIN)


def on_domain(client, path: str, **kwargs):
    return client.get(path, base_url=ROOT, **kwargs)


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def test_the_domain_serves_the_site_at_its_root_with_links_to_its_own_paths(client, served):
    response = on_domain(client, "/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Grace Fixture" in html
    assert canonical(html) == f"{ROOT}/"
    assert f'<meta property="og:url" content="{ROOT}/">' in html
    assert 'href="/publications/"' in html and 'href="/files/cv.pdf"' in html
    assert 'href="/jane/' not in html and 'src="/jane/' not in html
    assert f"{ROOT}/jane/" not in html


def test_the_domain_serves_files_and_other_pages(client, served):
    assert on_domain(client, "/files/cv.pdf").data.startswith(b"%PDF")
    page = on_domain(client, "/publications/")
    assert page.status_code == 200
    assert canonical(page.get_data(as_text=True)) == f"{ROOT}/publications/"


def test_redirect_from_answers_301_to_the_domains_own_path(client, served):
    response = on_domain(client, "/about/")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{ROOT}/"


def test_the_sites_old_addresses_answer_301_to_the_domain(client, served):
    for path, target in (("/jane/", "/"), ("/jane/publications/", "/publications/"), ("/jane/files/cv.pdf",
                                                                                      "/files/cv.pdf")):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"] == ROOT + target


def test_a_prefixed_path_on_the_domain_goes_to_the_unprefixed_one(client, served):
    response = on_domain(client, "/jane/publications/?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{ROOT}/publications/?x=1"


def test_the_sitemap_and_the_sitemap_index_name_the_domain(client, served):
    sitemap = on_domain(client, "/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{ROOT}/</loc>" in sitemap and "/jane/" not in sitemap
    assert f"<loc>{ROOT}/sitemap.xml</loc>" in client.get("/sitemap.xml").get_data(as_text=True)
    assert f"Sitemap: {ROOT}/sitemap.xml" in on_domain(client, "/robots.txt").get_data(as_text=True)


def test_feeds_name_the_domain(client, jane, verify):
    pages.publish_upload(jane, page_source("A post", "/posts/a-post/", date="2024-01-02"),
                         "_posts/2024-01-02-a-post.md", collection="posts")
    verify(jane, DOMAIN)
    feed = on_domain(client, "/feed.xml")
    atom = feed.get_data(as_text=True)
    assert feed.status_code == 200
    assert f'href="{ROOT}/posts/a-post/"' in atom
    assert "/jane/" not in atom


def test_a_page_cached_for_the_site_address_is_not_served_once_the_domain_is_verified(client, jane, verify):
    assert client.get("/jane/").status_code == 200
    verify(jane, DOMAIN)
    assert client.get("/jane/").status_code == 301


def test_a_suspended_accounts_domain_answers_410_like_its_pages(client, served, jane, app):
    moderation.suspend_account(None, jane, "Spam pages.")
    assert on_domain(client, "/").status_code == 410


def test_an_unverified_or_unknown_domain_is_not_served(client, jane):
    service.add_domain(jane, DOMAIN)
    assert on_domain(client, "/").status_code == 400
    assert client.get("/", base_url="http://unknown.example.net").status_code == 400


def test_the_app_is_not_served_on_the_domain(client, served):
    for path in ("/login", "/dashboard/", "/admin/", "/api/v1/pages", "/register"):
        response = on_domain(client, path)
        assert response.status_code == 404, path
        assert "Log in" not in response.get_data(as_text=True)


def test_no_response_on_the_domain_sets_a_cookie(client, served):
    for path in ("/", "/publications/", "/files/cv.pdf", "/missing/", "/about/", "/sitemap.xml", "/login",
                 "/static/css/theme.css"):
        with on_domain(client, path) as response:
            assert "Set-Cookie" not in response.headers, path


def test_a_session_cookie_for_the_site_is_never_read_on_the_domain(make_client, served, make_user):
    make_user("bob")
    browser = make_client()
    log_in(browser, "bob")
    cookie = browser.get_cookie("session")
    assert cookie is not None
    stranger = make_client()
    response = stranger.get("/dashboard/", base_url=ROOT, headers={"Cookie": f"session={cookie.value}"})
    assert response.status_code == 404
    page = stranger.get("/", base_url=ROOT, headers={"Cookie": f"session={cookie.value}"})
    html = page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers
    assert "masthead__edit" not in html and "Log out" not in html


def test_the_caddy_ask_answers_200_only_for_a_verified_domain_of_an_active_account(client, served, jane,
                                                                                    make_user):
    bob = make_user("bob")
    service.add_domain(bob, "bob.example.org")
    assert client.get(f"/caddy/ask?domain={DOMAIN}").status_code == 200
    assert client.get(f"/caddy/ask?domain={DOMAIN.upper()}.").status_code == 200
    for name in ("bob.example.org", "unknown.example.net", "", "a b", "localhost", DOMAIN + ":443"):
        assert client.get("/caddy/ask", query_string={"domain": name}).status_code == 404, name
    assert client.get(f"/caddy/ask?domain={DOMAIN}", base_url="http://127.0.0.1:8000").status_code == 200
    moderation.suspend_account(None, jane, "Spam pages.")
    assert client.get(f"/caddy/ask?domain={DOMAIN}").status_code == 404


def test_a_page_served_again_from_the_cache_is_the_domains_own(client, served):
    first = on_domain(client, "/publications/").get_data(as_text=True)
    again = on_domain(client, "/publications/")
    assert again.get_data(as_text=True) == first
    assert on_domain(client, "/publications/", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304
    assert 'href="/jane/' not in first


def test_a_second_domain_such_as_www_answers_301_to_the_first(client, jane, verify):
    verify(jane, "example.org")
    verify(jane, "www.example.org")
    response = client.get("/publications/", base_url="http://www.example.org")
    assert response.status_code == 301
    assert response.headers["Location"] == "http://example.org/publications/"
    assert client.get("/publications/", base_url="http://example.org").status_code == 200


def test_a_deleted_accounts_domain_answers_like_its_pages(client, served, jane):
    moderation.delete_account(None, jane, "Asked to leave.")
    site_answer = client.get("/jane/").status_code
    assert site_answer in (404, 410)
    assert on_domain(client, "/").status_code == site_answer
    assert client.get(f"/caddy/ask?domain={DOMAIN}").status_code == 404


def test_with_a_content_origin_too_a_verified_domain_is_where_the_site_lives(make_app, domain_settings, served):
    client = make_app(**domain_settings, PAGES_HOST="pages.example.org").test_client()
    response = client.get("/jane/publications/", base_url="http://pages.example.org")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{ROOT}/publications/"
    assert client.get("/publications/", base_url=ROOT).status_code == 200


def test_hsts_on_a_domain_covers_that_name_alone(make_app, domain_settings, served):
    client = make_app(**domain_settings, HTTPS=True).test_client()
    for path in ("/", "/", "/files/cv.pdf"):  # rendered, then from the cache before Flask, then a file
        response = client.get(path, base_url=f"https://{DOMAIN}")
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    own = client.get("/", base_url="https://localhost")
    assert "includeSubDomains" in own.headers["Strict-Transport-Security"]


# A verified domain never sends a visitor to another site (security review): the 301 from an address with the
# tenant's prefix is absolute on the domain, a link the sanitizer kept on the site stays on it, and the proxy's ask
# path gets the domain's own headers there (no HSTS includeSubDomains over the researcher's names).
@pytest.mark.parametrize("path", ["/jane//evil.example", "/jane//evil.example/x", "/jane/\\evil.example",
                                  "/jane///evil.example", "/jane/%2F%2Fevil.example", "/jane/%5Cevil.example"])
def test_an_address_with_the_prefix_is_sent_to_the_same_domain(client, served, path):
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
