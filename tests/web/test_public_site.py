import pytest

from factories import PNG, page_source, publish, publish_site, store_file
from profilehost.services import moderation, pages
from support import log_in


@pytest.fixture
def alice(make_user):
    user = make_user("alice")
    publish_site(user)
    return user


def test_home_page_is_served_in_the_theme(client, alice):
    response = client.get("/alice/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Grace Fixture" in html and "<strong>test design</strong>" in html
    assert html.count("data-page-body") == 1


@pytest.mark.parametrize(("path", "target"), [
    ("/alice/about/", "/alice/"),
    ("/alice/about", "/alice/"),
    ("/alice/about.html", "/alice/"),
    ("/alice/publications", "/alice/publications/"),
    ("/alice/publications.html", "/alice/publications/"),
    ("/alice/index.html", "/alice/"),
    ("/alice", "/alice/"),
    ("/ALICE/publications/", "/alice/publications/"),
])
def test_other_forms_and_redirect_from_answer_301_to_the_canonical_url(client, alice, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == target


def test_drafts_are_not_public(client, alice):
    assert client.get("/alice/wip/").status_code == 404


def test_unknown_paths_get_the_themed_404(client, alice):
    response = client.get("/alice/no-such-page/")
    assert response.status_code == 404
    assert "/alice/" in response.get_data(as_text=True)


@pytest.mark.parametrize("permalink", ["/404.html", "/404/"])
def test_a_sites_own_404_page_answers_every_missing_address_and_is_left_out_of_sitemap_and_menu(client, alice,
                                                                                               permalink):
    publish(alice, page_source("Lost in the archive", permalink, body="Try the [home page](/)."), "404.md")
    missing = client.get("/alice/no-such-page/")
    assert missing.status_code == 404 and "Lost in the archive" in missing.get_data(as_text=True)
    # At its own address it is a page, as GitHub Pages serves 404.html: only the sitemap and the menu leave it out.
    assert client.get(f"/alice{permalink}", follow_redirects=True).status_code == 200
    assert permalink not in client.get("/alice/sitemap.xml").get_data(as_text=True)
    assert "Lost in the archive" not in client.get("/alice/").get_data(as_text=True)


def test_unknown_tenants_get_404(client):
    assert client.get("/nobody/").status_code == 404


@pytest.mark.parametrize("path", ["/Dashboard/x", "/API/v1/x", "/Static/x/", "/-ada/", "/a/", "/ada\n/"])
def test_a_reserved_or_malformed_first_segment_is_never_routed_to_a_tenant(server, path):
    assert server.url_map.bind("localhost").test(path) is False
    assert server.url_map.bind("localhost").test("/Ada-2/x/") is True


def test_head_works(client, alice):
    response = client.head("/alice/")
    assert response.status_code == 200 and response.get_data() == b""


def test_etag_revalidation_answers_304(client, alice):
    first = client.get("/alice/")
    again = client.get("/alice/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/alice/", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_a_new_revision_changes_the_etag(client, alice):
    etag = client.get("/alice/publications/").headers["ETag"]
    publish(alice, page_source("Publications", "/publications/", "New list."))
    response = client.get("/alice/publications/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "New list." in response.get_data(as_text=True)


def test_public_pages_may_be_cached_briefly_by_proxies(client, alice):
    assert "s-maxage" in client.get("/alice/").headers["Cache-Control"]


def test_menu_follows_nav_order(client, alice):
    html = client.get("/alice/").get_data(as_text=True)
    assert html.index('href="/alice/"') < html.index('href="/alice/publications/"')
    assert "/alice/wip/" not in html


def test_seo_metadata(client, alice):
    html = client.get("/alice/").get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/alice/">' in html
    assert 'property="og:title"' in html
    assert '"@type": "Person"' in html or '"@type":"Person"' in html
    assert '<meta name="description"' in html


def test_tenant_sitemap_lists_public_pages(client, alice):
    body = client.get("/alice/sitemap.xml").get_data(as_text=True)
    assert "http://localhost/alice/</loc>" in body and "/alice/publications/</loc>" in body
    assert "/alice/wip/" not in body


def test_tenant_sitemap_lists_each_bibliography_entrys_page_once(client, alice):
    from profilehost.services import bibliography

    bibliography.save_bibliography(alice, b"@article{a1, title={Engines}, author={Lovelace, Ada}, year={2021}}\n"
                                          b"@misc{b2, title={Looms}, author={Lovelace, Ada}, year={2022}}\n")
    body = client.get("/alice/sitemap.xml").get_data(as_text=True)
    assert body.count("http://localhost/alice/publication/a1/</loc>") == 1
    assert body.count("http://localhost/alice/publication/b2/</loc>") == 1
    assert "http://localhost/alice/publications/</loc>" in body


def test_site_sitemap_and_robots(client, alice):
    assert "http://localhost/alice/sitemap.xml" in client.get("/sitemap.xml").get_data(as_text=True)
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /dashboard/" in robots and "Sitemap: http://localhost/sitemap.xml" in robots


@pytest.mark.parametrize("folder", ["files", "images"])
def test_assets_are_served_with_their_type_and_nosniff(client, alice, folder):
    store_file(alice, "photo.png", PNG)
    response = client.get(f"/alice/{folder}/photo.png")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")


def test_missing_assets_are_404(client, alice):
    assert client.get("/alice/files/nothing.pdf").status_code == 404


def test_links_in_pages_point_inside_the_tenant(client, alice):
    html = client.get("/alice/").get_data(as_text=True)
    assert 'href="/alice/files/cv.pdf"' in html and 'href="/alice/publications/"' in html


@pytest.mark.parametrize("path", ["/alice/", "/alice/publications/", "/alice/about/", "/alice/files/cv.pdf",
                                  "/alice/sitemap.xml", "/alice/no-such-page/"])
def test_every_url_of_a_suspended_tenant_answers_410(client, alice, path):
    store_file(alice, "cv.pdf")
    moderation.suspend_account(None, alice, "spam")
    response = client.get(path)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This profile is unavailable" in html and "Grace Fixture" not in html


def test_restoring_a_tenant_brings_back_the_same_bytes(client, alice):
    before = client.get("/alice/").data
    moderation.suspend_account(None, alice, "spam")
    moderation.restore_account(None, alice)
    assert client.get("/alice/").data == before


def test_pending_tenants_are_not_public(client, make_user):
    pending = make_user("newbie", state="pending")
    publish(pending, page_source("Hi", "/"))
    assert client.get("/newbie/").status_code == 404
    moderation.approve_account(None, pending)
    assert client.get("/newbie/").status_code == 200


def test_unpublished_pages_are_not_public(client, alice):
    from profilehost.services import pages

    moderation.unpublish_page(None, pages.find_page(alice, "/publications/"), "copyright claim")
    assert client.get("/alice/publications/").status_code == 404


def test_two_app_servers_on_one_database_never_disagree_after_a_change(make_app, alice):
    first, second = make_app().test_client(), make_app().test_client()
    assert "New list." not in first.get("/alice/publications/").get_data(as_text=True)
    assert "New list." not in second.get("/alice/publications/").get_data(as_text=True)
    publish(alice, page_source("Publications", "/publications/", "New list."))
    assert "New list." in first.get("/alice/publications/").get_data(as_text=True)
    assert "New list." in second.get("/alice/publications/").get_data(as_text=True)
    moderation.suspend_account(None, alice, "spam")
    assert first.get("/alice/publications/").status_code == 410
    assert second.get("/alice/publications/").status_code == 410


def test_cached_pages_carry_the_same_headers_as_fresh_ones(client, alice):
    fresh, cached = client.get("/alice/"), client.get("/alice/")
    assert fresh.data == cached.data
    assert _headers_but_date(fresh) == _headers_but_date(cached)
    assert client.head("/alice/").status_code == 200 and client.head("/alice/").data == b""


def _headers_but_date(response) -> list:
    return sorted((name, value) for name, value in response.headers.items() if name != "Date")


@pytest.mark.parametrize("path", ["/alice/", "/alice/publications/", "/alice/nowhere/", "/alice/files/cv.pdf",
                                  "/alice", "/alice/sitemap.xml", "/robots.txt"])
def test_public_answers_are_the_same_for_every_visitor_and_do_not_vary_on_cookies(make_client, alice, path):
    """A shared cache (nginx, a CDN) then keeps one copy of a page, not one per visitor's cookie."""
    store_file(alice, "cv.pdf")
    visitor, owner = make_client(), make_client()
    log_in(owner, "alice")
    as_visitor, as_owner = visitor.get(path), owner.get(path)
    assert as_visitor.status_code == as_owner.status_code < 500
    assert as_visitor.data == as_owner.data
    assert "cookie" not in as_visitor.vary and "cookie" not in as_owner.vary


def test_a_public_page_does_not_stop_the_next_request_from_varying_on_cookies(app, alice):
    """Requests inside one open app context share `g`: the mark is on the public page's response instead."""
    client = app.test_client()
    log_in(client, "alice")
    assert "cookie" not in client.get("/alice/").vary
    assert "cookie" in client.get("/dashboard/").vary


def test_pages_that_show_who_is_logged_in_still_vary_on_cookies(client, alice):
    for path in ("/", "/nobody-here/", "/login"):
        assert "cookie" in client.get(path).vary, path


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/\\evil.example", "/..%2F..%2Fevil"])
def test_the_tenant_root_redirect_never_leaves_the_site(client, path):
    response = client.get(path)
    assert response.status_code == 404 or response.headers["Location"].startswith("/")
    assert not response.headers.get("Location", "/").startswith(("//", "/\\"))


@pytest.mark.parametrize("path", ["/alice/x%00/", "/alice/files/%00.pdf", "/alice/images/a%00b.png", "/alice%00/"])
def test_a_nul_in_an_address_is_not_found_not_a_server_error(client, alice, path):
    assert client.get(path).status_code == 404


def test_an_items_venue_and_citation_keep_their_emphasis_and_lose_their_script(client, alice):
    source = (b"---\ntitle: Hostile\ndate: 2024-01-15\nvenue: '<i>J</i><script>alert(1)</script>'\n"
              b"citation: '<b>Ada</b><img src=x onerror=alert(2)>'\n---\n\nText.\n")
    outcome = pages.publish_upload(alice, source, "_publications/hostile.md", collection="publications")
    html = client.get(f"/alice{outcome.page.permalink}").get_data(as_text=True)
    assert "<i>J</i>" in html and "<b>Ada</b>" in html
    assert "<script>alert" not in html and "onerror" not in html
