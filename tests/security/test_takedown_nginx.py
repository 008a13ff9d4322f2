"""Takedowns behind the shipped nginx: real nginx with deploy/nginx-profilehost.conf (adapted to loopback by
bench/nginx.py) in front of the app served by Werkzeug, on the test database.

Every URL is first served from nginx's cache (X-Cache-Status: HIT); then an account is suspended or deleted, a
file deleted or a page unpublished through the services, and each URL is polled through nginx at a fixed
interval until it answers the takedown. The app's shared-cache lifetime (PUBLIC_CACHE_SECONDS) is 1 s here, 10 s
in production: the takedown must show within POLLS_WITHIN_BOUND polls, a few times that lifetime.

nginx keys its cache on its configured server name, never on the client's Host header, which it does not pass on.

Skipped, saying why, when nginx is not installed on a developer's machine; in CI (CI=true) a missing nginx fails
instead, because .ci/run installs it.
"""

from __future__ import annotations

import importlib.util
import os
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

from factories import PNG, publish_site, store_file
from profilehost.services import assets, moderation, pages
from support import served_in_a_thread

BENCH_NGINX = Path(__file__).resolve().parents[2] / "bench" / "nginx.py"
CACHE_SECONDS = 1
POLL_INTERVAL = 0.25
# 12 polls 0.25 s apart take at least 3 s: three times the cache lifetime, plus room for one request to the app.
POLLS_WITHIN_BOUND = 12


def _nginx_helpers():
    spec = importlib.util.spec_from_file_location("bench_nginx", BENCH_NGINX)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.available():
        why = "nginx is not installed (apt-get install -y nginx-light): the takedown tests behind nginx need it"
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI installs it: see .ci/run)")
        pytest.skip(why)
    return module


@pytest.fixture
def app_port(make_app):
    """The app, its shared-cache lifetime shortened so the test is quick, served by Werkzeug in a thread."""
    with served_in_a_thread(make_app(PUBLIC_CACHE_SECONDS=CACHE_SECONDS)) as port:
        yield port


class Proxy:
    """GETs through nginx: (status, X-Cache-Status, body)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str, **headers: str) -> tuple[int, str, str]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, response.getheader("X-Cache-Status", ""), body
        finally:
            connection.close()


@pytest.fixture
def proxy(tmp_path, app_port) -> Proxy:
    """nginx with the shipped site in front of the app."""
    nginx = _nginx_helpers()
    port = nginx.free_port()
    site = nginx.adapted_site(tmp_path, app_port, port, cache_status=True)
    with nginx.NginxProcess(tmp_path, nginx.main_config(tmp_path, site), port):
        yield Proxy(port)


def _served_from_nginx_cache(proxy, paths: list[str]) -> None:
    for path in paths:
        statuses = [proxy.get(path)[:2] for _ in range(5)]
        assert any(cache == "HIT" for _status, cache in statuses), f"{path}: never a cache HIT: {statuses}"


def _polls_until(proxy, paths: list[str], gone: int) -> dict[str, int | None]:
    """For each path, the number of the first poll that answered `gone` (None: not within the bound)."""
    first_gone: dict[str, int | None] = dict.fromkeys(paths)
    for poll in range(1, POLLS_WITHIN_BOUND + 1):
        for path in paths:
            if first_gone[path] is None and proxy.get(path)[0] == gone:
                first_gone[path] = poll
        if all(first_gone.values()):
            break
        time.sleep(POLL_INTERVAL)
    return first_gone


def _assert_taken_down(first_gone: dict[str, int | None], gone: int) -> None:
    late = [path for path, poll in first_gone.items() if poll is None]
    assert not late, (f"still served by nginx after {POLLS_WITHIN_BOUND} polls {POLL_INTERVAL} s apart "
                      f"(expected {gone}): {late}")


@pytest.fixture
def alice(make_user):
    user = make_user("alice")
    publish_site(user)
    return user


def _versioned(tenant, folder: str, name: str) -> str:
    asset = assets.find_asset(tenant, name)
    return f"/{tenant.username}/{folder}/{name}?v={asset.sha256[:12]}"


@pytest.mark.parametrize(("take_down", "gone"), [
    (lambda user: moderation.suspend_account(None, user, "Spam."), 410),
    (lambda user: moderation.delete_account(None, user, "Asked to."), 404),
], ids=["suspended", "deleted"])
def test_every_public_url_of_an_account_taken_down_stops_being_served_by_nginx_within_the_bound(
        proxy, alice, take_down, gone):
    store_file(alice, "cv.pdf")
    store_file(alice, "face.png", PNG)
    paths = ["/alice/", "/alice/publications/", "/alice/about/", "/alice/sitemap.xml", "/alice/no-such-page/",
             "/alice/files/cv.pdf", _versioned(alice, "files", "cv.pdf"), _versioned(alice, "images", "face.png")]
    _served_from_nginx_cache(proxy, paths)
    take_down(alice)
    _assert_taken_down(_polls_until(proxy, paths, gone), gone)


def test_a_deleted_file_stops_being_served_by_nginx_within_the_bound(proxy, alice):
    store_file(alice, "cv.pdf")
    paths = ["/alice/files/cv.pdf", _versioned(alice, "files", "cv.pdf")]
    _served_from_nginx_cache(proxy, paths)
    assets.delete_asset(alice, "cv.pdf")
    _assert_taken_down(_polls_until(proxy, paths, 404), 404)


def test_an_unpublished_page_stops_being_served_by_nginx_within_the_bound(proxy, alice):
    paths = ["/alice/publications/"]
    _served_from_nginx_cache(proxy, paths)
    moderation.unpublish_page(None, pages.find_page(alice, "/publications/"), "Copied from someone else.")
    _assert_taken_down(_polls_until(proxy, paths, 404), 404)


def test_nginx_keys_its_cache_on_its_server_name_and_never_passes_on_a_made_up_host(proxy, alice):
    _served_from_nginx_cache(proxy, ["/alice/"])
    status, cache, body = proxy.get("/alice/", Host="made-up.example")
    # Any answer but MISS comes from the entry the canonical requests made (HIT, or EXPIRED once its second passed).
    assert status == 200 and cache != "MISS"
    assert "made-up.example" not in body
    status, cache, body = proxy.get("/alice/publications/", Host="other.example")
    assert status == 200 and "other.example" not in body
