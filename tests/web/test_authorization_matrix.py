"""Every route of the URL map, tried by five kinds of visitor. A new route without a row here fails the test.

Each cell is what the visitor must get: "ok" (allowed: any answer but the refusals below), "login" (sent to the
login page), "suspended" (sent to the suspension notice), 403 or 404. URLs always point at the data of the
tenant 'alice'; 'bob' is another tenant, 'boss' an admin, 'sam' a suspended tenant.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Map

from factories import page_source, publish, store_file
from profilehost import create_app
from profilehost.jobs import imports
from profilehost.services import bibliography, invites, moderation, reports, site_files, tokens
from support import csrf_token_from, log_in

ROLES = ("anonymous", "tenant", "other_tenant", "admin", "suspended")
EVERYONE = ("ok",) * 5
DASHBOARD_OWN = ("login", "ok", "ok", "ok", "suspended")
DASHBOARD_BY_ID = ("login", "ok", 404, 404, "suspended")
ADMIN = ("login", 403, 403, "ok", 403)

MATRIX: dict[tuple[str, str], tuple] = {
    ("static", "GET"): EVERYONE,
    ("theme_icons", "GET"): EVERYONE,
    ("public.home", "GET"): EVERYONE,
    ("public.robots", "GET"): EVERYONE,
    ("public.sitemap_index", "GET"): EVERYONE,
    ("public.tenant_root", "GET"): EVERYONE,
    ("public.tenant_path", "GET"): EVERYONE,
    ("public.report", "GET"): EVERYONE,
    ("public.report", "POST"): EVERYONE,
    ("public.report_status", "GET"): EVERYONE,
    ("auth.register", "GET"): EVERYONE,
    ("auth.register", "POST"): EVERYONE,
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.logout", "POST"): ("login", "ok", "ok", "ok", "ok"),
    # Signed links: the matrix's token was never signed here, so each answers "no such link" (a used or expired
    # one answers 410).
    ("auth.confirm_email", "GET"): (404,) * 5,
    ("auth.reset_password", "GET"): (404,) * 5,
    ("auth.reset_password", "POST"): (404,) * 5,
    ("auth.unsubscribe", "GET"): (404,) * 5,
    ("auth.unsubscribe", "POST"): (404,) * 5,
    ("auth.forgot_password", "GET"): EVERYONE,
    ("auth.forgot_password", "POST"): EVERYONE,
    ("auth.resend_confirmation", "POST"): ("login", "ok", "ok", "ok", "ok"),
    # Without a pending sign-in or a given password, each sends the visitor where they belong.
    ("auth.two_factor", "GET"): ("login", "ok", "ok", "ok", "ok"),
    ("auth.two_factor", "POST"): ("login", "ok", "ok", "ok", "ok"),
    ("auth.new_password", "GET"): ("login", "ok", "ok", "ok", "ok"),
    ("auth.new_password", "POST"): ("login", "ok", "ok", "ok", "ok"),
    ("dashboard.two_factor_setup", "GET"): DASHBOARD_OWN,
    ("dashboard.two_factor_setup", "POST"): DASHBOARD_OWN,
    ("dashboard.two_factor_disable", "GET"): DASHBOARD_OWN,
    ("dashboard.two_factor_disable", "POST"): DASHBOARD_OWN,
    ("dashboard.mail_notices", "POST"): DASHBOARD_OWN,
    ("dashboard.bibliography_index", "GET"): DASHBOARD_OWN,
    ("dashboard.bibliography_index", "POST"): DASHBOARD_OWN,
    ("dashboard.bibliography_settings", "POST"): DASHBOARD_OWN,
    ("dashboard.restore_bibliography", "POST"): DASHBOARD_BY_ID,  # a version number of their own
    ("dashboard.remove_bibliography", "POST"): DASHBOARD_OWN,
    ("public.whole_bibliography", "GET"): EVERYONE,
    ("public.entry_page", "GET"): EVERYONE,
    ("public.entry_bibtex", "GET"): EVERYONE,
    ("dashboard.index", "GET"): DASHBOARD_OWN,
    ("dashboard.upload", "POST"): DASHBOARD_OWN,
    ("dashboard.new_page", "GET"): DASHBOARD_OWN,
    ("dashboard.new_page", "POST"): DASHBOARD_OWN,
    ("dashboard.edit_page", "GET"): DASHBOARD_BY_ID,
    ("dashboard.edit_page", "POST"): DASHBOARD_BY_ID,
    ("dashboard.history", "GET"): DASHBOARD_BY_ID,
    ("dashboard.revision", "GET"): DASHBOARD_BY_ID,
    ("dashboard.revision_source", "GET"): DASHBOARD_BY_ID,
    ("dashboard.diff", "GET"): DASHBOARD_BY_ID,
    ("dashboard.restore", "POST"): DASHBOARD_BY_ID,
    ("dashboard.delete", "POST"): DASHBOARD_BY_ID,
    ("dashboard.undelete", "POST"): DASHBOARD_BY_ID,
    ("dashboard.export", "GET"): DASHBOARD_OWN,
    ("dashboard.import_site", "GET"): DASHBOARD_OWN,
    ("dashboard.import_site", "POST"): DASHBOARD_OWN,
    ("dashboard.import_job", "GET"): DASHBOARD_BY_ID,
    ("dashboard.files", "GET"): DASHBOARD_OWN,
    ("dashboard.files", "POST"): DASHBOARD_OWN,
    ("dashboard.delete_file", "POST"): DASHBOARD_BY_ID,
    ("dashboard.profile", "GET"): DASHBOARD_OWN,
    ("dashboard.profile", "POST"): DASHBOARD_OWN,
    ("dashboard.account", "GET"): DASHBOARD_OWN,
    ("dashboard.account", "POST"): DASHBOARD_OWN,
    ("dashboard.change_email", "POST"): DASHBOARD_OWN,
    ("dashboard.delete_account", "POST"): DASHBOARD_OWN,
    ("dashboard.api_tokens", "GET"): DASHBOARD_OWN,
    ("dashboard.api_tokens", "POST"): DASHBOARD_OWN,
    ("dashboard.revoke_api_token", "POST"): DASHBOARD_BY_ID,
    ("dashboard.preview_new_page", "POST"): DASHBOARD_OWN,
    ("dashboard.preview_page", "POST"): DASHBOARD_BY_ID,
    ("dashboard.site_files_index", "GET"): DASHBOARD_OWN,
    ("dashboard.site_files_index", "POST"): DASHBOARD_OWN,
    ("dashboard.edit_site_file", "GET"): DASHBOARD_BY_ID,
    ("dashboard.edit_site_file", "POST"): DASHBOARD_BY_ID,
    ("dashboard.delete_site_file", "POST"): DASHBOARD_BY_ID,
    ("dashboard.site_file_history", "GET"): DASHBOARD_BY_ID,
    ("dashboard.site_file_version", "GET"): DASHBOARD_BY_ID,
    ("dashboard.restore_site_file", "POST"): DASHBOARD_BY_ID,
    ("dashboard.suspended", "GET"): ("login", "ok", "ok", "ok", "ok"),
    ("dashboard.appeal", "POST"): ("login", "ok", "ok", "ok", "ok"),
    ("dashboard.scheduled_deletion", "GET"): ("login", "ok", "ok", "ok", "suspended"),
    ("dashboard.cancel_deletion", "POST"): ("login", "ok", "ok", "ok", "suspended"),
}
# The API authenticates by token only: a logged-in browser's cookie never counts (so no CSRF exposure).
for _endpoint, _methods in {"list_pages": "GET", "put_page": "PUT", "post_page": "POST", "delete_page": "DELETE",
                            "put_file": "PUT", "list_site_files": "GET", "get_site_file": "GET",
                            "put_site_file": "PUT", "delete_site_file": "DELETE", "get_bibliography": "GET",
                            "put_bibliography": "PUT"}.items():
    for _method in _methods.split():
        MATRIX[(f"api.{_endpoint}", _method)] = (401,) * 5
MATRIX[("api.openapi", "GET")] = EVERYONE
for _endpoint, _methods in {
    "overview": "GET", "accounts": "GET", "bulk": "POST", "account": "GET", "account_action": "POST",
    "page": "GET", "unpublish_page": "POST", "republish_page": "POST", "invite_list": "GET POST",
    "revoke_invite": "POST", "audit_log": "GET",
    "report_queue": "GET", "report": "GET", "report_note": "POST", "close_report": "POST",
    "reopen_report": "POST", "appeals": "GET", "decide_appeal": "POST",
}.items():
    for _method in _methods.split():
        MATRIX[(f"admin.{_endpoint}", _method)] = ADMIN


def _routes() -> list[tuple[str, str, str]]:
    url_map: Map = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map
    routes = []
    for rule in url_map.iter_rules():
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


ROUTES = _routes()


def test_every_route_has_a_row_in_the_matrix():
    missing = sorted({(endpoint, method) for endpoint, method, _ in ROUTES} - set(MATRIX))
    assert missing == [], f"add these routes to MATRIX: {missing}"


@pytest.fixture
def world(make_user):
    alice = make_user("alice")
    publish(alice, page_source("Alice", "/"))
    page = publish(alice, page_source("Alice's page", "/p/")).page
    store_file(alice, "cv.pdf")
    site_files.save_site_file(alice, "_data/cv.yml", b"jobs: [Lecturer]\n")
    make_user("bob")
    make_user("boss", admin=True)
    sam = make_user("sam")
    moderation.suspend_account(None, sam, "test")
    _report, token = reports.file_report("/alice/p/", "spam", "", "")
    appeal = moderation.submit_appeal(sam, "please")
    invite = invites.create_invite(None)
    api_token, _secret = tokens.create_token(alice, "ci")
    bibliography.save_bibliography(alice, b"@article{notes2021, title={Notes}, author={Lovelace, Ada}, "
                                          b"journal={Journal}, year={2021}}")
    job = imports.start_import(alice, b"not a zip", "site.zip")  # runs at once: tests use Huey's immediate mode
    return {"username": "alice", "page_id": page.id, "number": 1, "name": "cv.pdf", "subpath": "p/",
            "filename": "css/app.css", "token": token, "report_id": _report.id, "appeal_id": appeal.id,
            "invite_id": invite.id, "token_id": api_token.id, "action": "approve", "path": "p",
            "file_path": "_data/cv.yml", "job_id": job.id,
            "slug": bibliography.current_entries(alice)[0]["slug"]}


def _url(rule: str, values: dict) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda parameter: str(values.get(parameter[1], parameter[0])), rule)
    assert "<" not in url, f"no test value for a parameter of {rule}"
    return url + ("?from=1&to=1" if rule.endswith("/diff") else "")


def _client_for(role: str, make_client):
    client = make_client()
    name = {"tenant": "alice", "other_tenant": "bob", "admin": "boss", "suspended": "sam"}.get(role)
    if name:
        assert log_in(client, name).status_code == 302
    return client


def _outcome(response) -> str | int:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login"):
        return "login"
    if response.status_code == 302 and location == "/dashboard/suspended":
        return "suspended"
    if response.status_code in (401, 403, 404, 410):
        return response.status_code
    return "ok"


@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=[f"{m} {r}" for _, m, r in ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_route_answers_each_role_as_the_matrix_says(endpoint, method, rule, role, world, make_client):
    expected = MATRIX[(endpoint, method)][ROLES.index(role)]
    client = _client_for(role, make_client)
    url = _url(rule, world)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token_from(client.get("/report").get_data(as_text=True))
        response = client.open(url, method=method, data={"csrf_token": token, "reason": "matrix"})
    outcome = _outcome(response)
    response.close()
    assert outcome == expected, f"{role} {method} {url} -> {response.status_code}"
