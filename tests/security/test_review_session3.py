"""Review of the second security pass (session 3): ways around its fixes, each through the real HTTP path."""

from __future__ import annotations

from html import unescape

import pytest

from factories import page_source, publish
from profilehost import limits
from profilehost.extensions import db
from profilehost.models import Page
from profilehost.services import site_files, tokens
from support import PASSWORD, csrf_token_from, post_form

ALLOWED_PUBLISHES = int(limits.PUBLISH.split(" per minute")[0])


@pytest.mark.parametrize("target", [
    "/dashboard/site-files/../../alice/phish/edit",
    "/dashboard/site-files/%2e%2e/%2E%2e/alice/phish/edit",
    "/dashboard/site-files/x/.%2e/.%2E/../alice/phish/edit",
    "/admin/./../alice/",
])
def test_a_login_never_leads_to_an_address_a_browser_resolves_out_of_the_app_screens(client, make_user, target):
    # Werkzeug matches '/dashboard/site-files/<path:...>/edit' on the raw path, but a browser resolves the dot
    # segments first and lands on /alice/phish/edit, a tenant's page.
    make_user("alice")
    url = f"/login?next={target.replace('%', '%25')}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"


def test_a_login_still_leads_back_to_a_dashboard_screen(client, make_user):
    make_user("alice")
    url = "/login?next=/dashboard/site-files/_data/cv.yml/edit"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/site-files/_data/cv.yml/edit"


@pytest.mark.parametrize("permalink", ["/%2e%2e/%2E./admin/", "/a/%2e/b/", "/%2e%2e/bob/talk/"])
def test_a_permalink_with_percent_encoded_dot_segments_is_refused(logged_in, permalink):
    # Stored as given, '/alice/%2e%2e/%2E./admin/' went into the sitemap and the canonical URL, which browsers and
    # crawlers resolve to /admin/.
    response = post_form(logged_in, "/dashboard/pages/new",
                         {"source": f"---\ntitle: T\npermalink: {permalink}\n---\nx\n", "publish": "1"})
    assert response.status_code == 422
    assert "contains '//', '.' or '..'" in unescape(response.get_data(as_text=True))
    assert db.session.query(Page).count() == 0


def test_a_redirect_from_path_with_percent_encoded_dot_segments_is_refused_through_the_api(logged_in):
    secret = tokens.create_token(logged_in.user, "CI")[1]
    response = logged_in.put("/api/v1/pages/p", data=b"---\ntitle: P\nredirect_from: /%2E%2E/x/\n---\nx\n",
                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422


def posts(client, url: str, count: int, form_url: str = "/dashboard/"):
    token = csrf_token_from(client.get(form_url).get_data(as_text=True))
    return [client.post(url(n) if callable(url) else url, data={"csrf_token": token}).status_code
            for n in range(count)]


def test_restoring_a_site_file_spends_the_publish_budget(logged_in):
    # Each restore renders again every page that reads the file: an upload by another door.
    publish(logged_in.user, b"---\ntitle: CV\npermalink: /cv/\n---\n{{ site.data.cv.job }}\n", "_pages/cv.md")
    site_files.save_site_file(logged_in.user, "_data/cv.yml", b"job: A\n")
    site_files.save_site_file(logged_in.user, "_data/cv.yml", b"job: B\n")
    statuses = posts(logged_in, "/dashboard/site-files/_data/cv.yml/versions/1/restore", ALLOWED_PUBLISHES + 1)
    assert statuses == [302] * ALLOWED_PUBLISHES + [429]


def test_restoring_and_deleting_pages_and_site_files_spend_the_same_budget(logged_in):
    publish(logged_in.user, page_source("P", "/p/", body="one"))
    page = publish(logged_in.user, page_source("P", "/p/", body="two")).page
    restores = posts(logged_in, lambda n: f"/dashboard/pages/{page.id}/revisions/{1 + n % 2}/restore",
                     ALLOWED_PUBLISHES - 2)
    assert set(restores) == {302}
    assert posts(logged_in, f"/dashboard/pages/{page.id}/delete", 1) == [302]
    assert posts(logged_in, f"/dashboard/pages/{page.id}/undelete", 1) == [302]
    assert posts(logged_in, f"/dashboard/pages/{page.id}/delete", 1) == [429]
    secret = tokens.create_token(logged_in.user, "CI")[1]
    from_api = logged_in.delete("/api/v1/site-files/_data/cv.yml", headers={"Authorization": f"Bearer {secret}"})
    assert from_api.status_code == 429
