"""On a domain that serves one site at its root, the responses made with the site's /<username> prefix lose it,
in one place (public.routing.rebased): links in tags, absolute URLs on the domain and a redirect's Location; a
text that only looks like a link, another tenant's prefix and a file's bytes stay as they are."""

from __future__ import annotations

from werkzeug.wrappers import Response

from profilehost.public.routing import ORIGIN, Origin, rebased

DOMAIN_ENVIRON = {"wsgi.url_scheme": "https", "HTTP_HOST": "jane.example.org",
                  ORIGIN: Origin("jane.example.org", content=True, tenant="jane")}


def rebase(body: str | bytes, mimetype: str = "text/html", environ: dict = DOMAIN_ENVIRON, **headers) -> Response:
    return rebased(Response(body, mimetype=mimetype, headers=headers), environ, "jane")


def test_links_in_tags_lose_the_prefix():
    html = rebase('<a href="/jane/cv/">CV</a><img alt="me" src="/jane/images/me.png">').get_data(as_text=True)
    assert html == '<a href="/cv/">CV</a><img alt="me" src="/images/me.png">'


def test_absolute_urls_on_the_domain_lose_the_prefix():
    html = rebase('<link rel="canonical" href="https://jane.example.org/jane/talks/">').get_data(as_text=True)
    assert html == '<link rel="canonical" href="https://jane.example.org/talks/">'


def test_text_that_only_looks_like_a_link_is_left_as_written():
    html = '<pre><code>&lt;a href="/jane/cv/"&gt;</code></pre><p>See href="/jane/x/".</p>'
    assert rebase(html).get_data(as_text=True) == html


def test_another_tenants_links_and_other_sites_are_left_alone():
    html = '<a href="/janet/">Janet</a><a href="https://elsewhere.example/jane/">x</a><a href="/jane">y</a>'
    assert rebase(html).get_data(as_text=True) == html


def test_a_redirects_location_loses_the_prefix():
    assert rebase("", Location="/jane/new/").headers["Location"] == "https://jane.example.org/new/"
    assert rebase("", Location="/jane").headers["Location"] == "https://jane.example.org/"
    assert rebase("", Location="https://jane.example.org/jane/x/").headers["Location"] == "https://jane.example.org/x/"


def test_a_file_is_sent_as_stored():
    body = b'%PDF-1.4 <a href="/jane/x/">'
    assert rebase(body, mimetype="application/pdf").get_data() == body


def test_the_etag_follows_the_rebased_body():
    response = Response('<a href="/jane/cv/">CV</a>', mimetype="text/html")
    response.add_etag()
    before = response.headers["ETag"]
    assert rebased(response, DOMAIN_ENVIRON, "jane").headers["ETag"] != before


def test_on_the_sites_own_address_nothing_changes():
    environ = {"wsgi.url_scheme": "https", "HTTP_HOST": "profiles.example.org"}
    html = '<a href="/jane/cv/">CV</a>'
    assert rebase(html, environ=environ).get_data(as_text=True) == html
