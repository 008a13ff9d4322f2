"""Nobody can make a worker's memory grow: the page cache holds at most its byte budget, and the Host header a
client sends cannot make entries of its own. With PROFILEHOST_SERVER_NAME set, a request for any other host is
answered 400 before any work."""

import gc
import tracemalloc

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

from factories import page_source, publish, store_file
from profilehost.public.fast_path import TENANT_PATH
from profilehost.public.routing import TenantNameConverter
from profilehost.services.accounts import AccountError, check_username

SITE = "profiles.example.org"
PAGE_CACHE_BYTES = 512 * 1024
BIG_BODY = "A paragraph of a long page. " * 7_000  # about 200 KB of HTML, above an eighth of the budget
MEDIUM_BODY = "A paragraph of a long page. " * 2_000  # about 56 KB, below it


@pytest.fixture
def alice(make_user):
    user = make_user("alice")
    publish(user, page_source("Home", "/", body="Welcome."))
    store_file(user, "cv.pdf")
    return user


def canonical_url(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]


class HeldMemory:
    """What the process holds after some requests, more than before them (garbage collected both times)."""

    def __enter__(self):
        gc.collect()
        tracemalloc.start()
        self.before = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *_exc):
        gc.collect()
        self.growth = tracemalloc.get_traced_memory()[0] - self.before
        tracemalloc.stop()


# --- only the configured host names are served -----------------------------------------------------------------

ROUTES = [("GET", "/"), ("GET", "/alice/"), ("HEAD", "/alice/"), ("GET", "/alice/files/cv.pdf"),
          ("GET", "/alice/sitemap.xml"), ("GET", "/nobody-here/"), ("GET", "/robots.txt"), ("GET", "/login"),
          ("POST", "/login"), ("GET", "/static/css/theme.css"), ("GET", "/api/v1/pages"), ("GET", "/admin/")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_request_naming_another_host_answers_400_on_every_route_cached_or_not(make_app, alice, method, path):
    client = make_app(SERVER_NAMES=(SITE,)).test_client()
    assert client.get("/alice/", base_url=f"http://{SITE}").status_code == 200  # now answered before Flask
    response = client.open(path, method=method, base_url="http://attacker.example")
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["PROFILES.Example.ORG", "profiles.example.org.", "profiles.example.org:80"])
def test_the_configured_host_is_served_in_any_spelling_and_pages_name_it_as_configured(make_app, alice, host):
    client = make_app(SERVER_NAMES=(SITE,)).test_client()
    response = client.get("/alice/", headers={"Host": host})
    assert response.status_code == 200
    assert canonical_url(response) == f"http://{SITE}/alice/"


@pytest.mark.parametrize("host", [f"{SITE}:8080", f"www.{SITE}", "127.0.0.1", f"{SITE}@attacker.example"])
def test_another_port_or_name_of_the_configured_host_is_refused(make_app, alice, host):
    client = make_app(SERVER_NAMES=(SITE,)).test_client()
    assert client.get("/alice/", headers={"Host": host}).status_code == 400


def test_each_of_several_configured_names_is_served_under_its_own_name(make_app, alice):
    client = make_app(SERVER_NAMES=(SITE, f"www.{SITE}")).test_client()
    assert canonical_url(client.get("/alice/", base_url=f"http://www.{SITE}")) == f"http://www.{SITE}/alice/"
    assert canonical_url(client.get("/alice/", base_url=f"http://{SITE}")) == f"http://{SITE}/alice/"
    assert client.get("/alice/", base_url="http://other.example").status_code == 400


def test_the_refusal_names_the_hosts_the_site_answers_for(make_app, alice):
    response = make_app(SERVER_NAMES=(SITE,)).test_client().get("/", base_url="http://attacker.example")
    assert SITE in response.get_data(as_text=True) and "attacker.example" not in response.get_data(as_text=True)


# --- without configured names (the embedded default) ---------------------------------------------------------

@pytest.mark.parametrize("host", ["LOCALHOST", "localhost.", "localhost:80"])
def test_without_configured_names_a_host_is_used_in_one_spelling(client, alice, host):
    response = client.get("/alice/", headers={"Host": host})
    assert response.status_code == 200 and canonical_url(response) == "http://localhost/alice/"


@pytest.mark.parametrize("host", ["local host", "localhost/evil", "<script>", "localhost:http"])
def test_a_host_header_that_is_no_host_name_answers_400(client, alice, host):
    assert client.get("/alice/", headers={"Host": host}).status_code == 400


def test_a_scheme_other_than_http_or_https_answers_400(client, alice):
    assert client.get("/alice/", environ_overrides={"wsgi.url_scheme": "gopher"}).status_code == 400


# --- the page cache's byte budget ------------------------------------------------------------------------------

def test_requests_naming_ever_new_hosts_hold_no_more_than_the_page_cache_budget(make_app, alice):
    publish(alice, page_source("Long", "/long/", body=MEDIUM_BODY))
    client = make_app(PAGE_CACHE_BYTES=PAGE_CACHE_BYTES).test_client()
    client.get("/alice/long/")  # templates compiled, connections open: what every later request reuses
    with HeldMemory() as held:
        for number in range(40):  # 40 times the page: over 2 MB if every host kept its own copy
            assert client.get("/alice/long/", base_url=f"http://host-{number}.example").status_code == 200
    assert held.growth < PAGE_CACHE_BYTES + 256 * 1024


def test_a_page_larger_than_an_eighth_of_the_budget_is_served_whole_but_never_kept(make_app, alice):
    publish(alice, page_source("Long", "/long/", body=BIG_BODY))
    client = make_app(PAGE_CACHE_BYTES=PAGE_CACHE_BYTES).test_client()
    client.get("/alice/")
    with HeldMemory() as held:
        response = client.get("/alice/long/")
        assert response.status_code == 200 and BIG_BODY.strip() in response.get_data(as_text=True)
        del response
    assert held.growth < len(BIG_BODY) // 4


def test_behind_a_trusted_proxy_the_forwarded_host_is_the_one_checked(make_app, alice):
    client = make_app(SERVER_NAMES=(SITE,), TRUST_PROXY=1).test_client()
    proxied = {"Host": "127.0.0.1:8000", "X-Forwarded-Proto": "https"}
    response = client.get("/alice/", headers={**proxied, "X-Forwarded-Host": SITE})
    assert response.status_code == 200 and canonical_url(response) == f"https://{SITE}/alice/"
    assert client.get("/alice/", headers={**proxied, "X-Forwarded-Host": "attacker.example"}).status_code == 400


# --- the content origin (PROFILEHOST_PAGES_HOST) ---------------------------------------------------------------

PAGES = "pages.example.org"


@pytest.fixture
def origins(make_app):
    """The app's own name and the content origin, as a production site configures them."""
    return make_app(SERVER_NAMES=(SITE,), PAGES_HOST=PAGES).test_client


def test_with_a_content_origin_the_sites_address_answers_301_there(origins, alice):
    for path in ("/alice/", "/alice/files/cv.pdf", "/alice/sitemap.xml"):
        response = origins().get(path, base_url=f"https://{SITE}")
        assert response.status_code == 301, path
        assert response.headers["Location"] == f"https://{PAGES}{path}"


def test_the_content_origin_serves_the_sites_and_names_itself_in_canonical_urls(origins, alice):
    response = origins().get("/alice/", base_url=f"https://{PAGES}")
    assert response.status_code == 200
    assert canonical_url(response) == f"https://{PAGES}/alice/"
    assert f"<loc>https://{PAGES}/alice/sitemap.xml</loc>" in origins().get(
        "/sitemap.xml", base_url=f"https://{SITE}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/dashboard/", "/admin/", "/api/v1/pages", "/report"])
def test_the_content_origin_serves_no_screen_of_the_app(origins, alice, path):
    response = origins().get(path, base_url=f"https://{PAGES}")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_no_response_of_the_content_origin_sets_a_cookie(origins, alice):
    client = origins()
    for path in ("/alice/", "/alice/files/cv.pdf", "/alice/missing/", "/nobody-here/", "/robots.txt",
                 "/sitemap.xml", "/login"):
        with client.get(path, base_url=f"https://{PAGES}") as response:
            assert "Set-Cookie" not in response.headers, path
    with client.post("/login", base_url=f"https://{PAGES}", data={"username": "alice"}) as response:
        assert "Set-Cookie" not in response.headers


def test_a_session_cookie_for_the_sites_address_is_never_read_on_the_content_origin(make_app, make_user, alice):
    from support import log_in

    app = make_app(SERVER_NAMES=("localhost",), PAGES_HOST=PAGES)
    browser = app.test_client()
    log_in(browser, "alice")
    session = browser.get_cookie("session")
    assert session is not None and browser.get("/dashboard/").status_code == 200
    response = app.test_client().get("/alice/", base_url=f"http://{PAGES}",
                                     headers={"Cookie": f"session={session.value}"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "masthead__edit" not in response.get_data(as_text=True)


def test_the_report_link_of_a_content_origin_leads_to_the_sites_own_form(origins, alice):
    html = origins().get("/alice/", base_url=f"https://{PAGES}").get_data(as_text=True)
    assert f'href="http://{SITE}/report?url=/alice/"' in html


def test_only_the_content_origin_keys_page_cache_entries_whatever_hosts_are_asked_for(make_app, alice):
    app = make_app(SERVER_NAMES=(SITE,), PAGES_HOST=PAGES)
    client = app.test_client()
    assert client.get("/alice/", base_url=f"http://{PAGES}").status_code == 200
    for host in ("host-1.example", "host-2.example", SITE):
        assert client.get("/alice/", base_url=f"http://{host}").status_code in (301, 400)
    cached = app.extensions["profilehost.page_cache"]._memo._entries
    assert {key[0] for key in cached} == {f"http://{PAGES}"}


def test_a_domain_lookup_that_fails_answers_503_not_500():
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    from profilehost.public.routing import HostGate

    def broken_lookup(_host: str) -> str | None:
        raise ConnectionError("database restarting")

    gate = HostGate(Response("the app"), (SITE,), PAGES, broken_lookup)
    response = Client(gate).get("/", base_url="http://jane.example.org")
    assert response.status_code == 503
    assert Client(gate).get("/", base_url=f"http://{SITE}").status_code == 200


@pytest.mark.parametrize("name", ["ab", "a-b", "r00000", "a" * 32, "-ab", "ab-", "a", "a" * 33, "a_b", "a.b",
                                  "ab\n"])
def test_the_route_the_fast_path_and_registration_agree_on_what_a_username_is(app, name):
    try:
        check_username(name)
        registrable = True
    except AccountError:
        registrable = False
    routes = Map([Rule("/<tenant:username>/", endpoint="page")], converters={"tenant": TenantNameConverter})
    try:
        routes.bind("example.org").match(f"/{name}/")
        routed = True
    except NotFound:
        routed = False
    assert routed == registrable
    assert (TENANT_PATH.match(f"/{name}/") is not None) == registrable
