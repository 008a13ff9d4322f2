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
from profilehost.domains import dns_check
from profilehost.domains import service as domains
from profilehost.extensions import limiter
from profilehost.jobs import imports
from profilehost.services import accounts, bibliography, invites, moderation, reports, site_files, tokens
from support import PASSWORD, csrf_token_from, free_port, log_in, restore_rows, table_rows

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
    ("dashboard.export", "GET"): ("login", "ok", "ok", "ok", "ok"),  # a suspended owner may take their site away
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
    ("dashboard.menu", "GET"): DASHBOARD_OWN,
    ("dashboard.menu", "POST"): DASHBOARD_OWN,
    ("dashboard.domains", "GET"): DASHBOARD_OWN,
    ("dashboard.domains", "POST"): DASHBOARD_OWN,
    ("dashboard.check_domain", "POST"): DASHBOARD_BY_ID,
    ("dashboard.remove_domain", "POST"): DASHBOARD_BY_ID,
    # Caddy asks about a domain it names; without one the answer is "no" to everyone.
    ("caddy.ask", "GET"): (404,) * 5,
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


class World:
    """The tenants' data and a signed-in browser per role, built once for the module: each case only sends its
    request. A request that may change data (any but GET) is followed by putting every row back as it was."""

    def __init__(self, app) -> None:
        self.app = app
        # Checking alice's domain asks a resolver that is not there (a closed port): no case waits on real DNS.
        app.config["DNS_RESOLVER"] = ("127.0.0.1", free_port())
        with app.app_context():
            self.values = _tenant_data()
        # Signed in outside the app context: a request inside it would share `g`, so Flask-Login's user.
        self.browsers = {role: _browser_for(role, app) for role in ROLES}
        with app.app_context():
            self.rows = table_rows()

    def client(self, role: str):
        """A new browser holding the role's session: its own cookie jar, so nothing a case does carries over."""
        cookie, token = self.browsers[role]
        client = self.app.test_client()
        client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], cookie)
        client.csrf_token = token
        return client

    def put_back(self, changed_data: bool) -> None:
        with self.app.app_context():
            if changed_data:
                restore_rows(self.rows)
                self.app.extensions["profilehost.page_cache"].clear()
            limiter.reset()


def _tenant_data() -> dict:
    alice = _make_user("alice")
    publish(alice, page_source("Alice", "/"))
    page = publish(alice, page_source("Alice's page", "/p/")).page
    store_file(alice, "cv.pdf")
    site_files.save_site_file(alice, "_data/cv.yml", b"jobs: [Lecturer]\n")
    _make_user("bob")
    _make_user("boss", admin=True)
    sam = _make_user("sam")
    moderation.suspend_account(None, sam, "test")
    _report, token = reports.file_report("/alice/p/", "spam", "", "")
    appeal = moderation.submit_appeal(sam, "please")
    invite = invites.create_invite(None)
    api_token, _secret = tokens.create_token(alice, "ci")
    bibliography.save_bibliography(alice, b"@article{notes2021, title={Notes}, author={Lovelace, Ada}, "
                                          b"journal={Journal}, year={2021}}")
    job = imports.start_import(alice, b"not a zip", "site.zip")  # runs at once: tests use Huey's immediate mode
    domain = domains.add_domain(alice, "alice.example.org")
    return {"username": "alice", "page_id": page.id, "number": 1, "name": "cv.pdf", "subpath": "p/",
            "filename": "css/app.css", "token": token, "report_id": _report.id, "appeal_id": appeal.id,
            "invite_id": invite.id, "token_id": api_token.id, "action": "approve", "path": "p",
            "file_path": "_data/cv.yml", "job_id": job.id, "domain_id": domain.id,
            "slug": bibliography.current_entries(alice)[0]["slug"]}


def _make_user(username: str, *, admin: bool = False):
    return accounts.create_account(username, f"{username}@example.org", PASSWORD, admin=admin)


def _browser_for(role: str, app) -> tuple[str, str]:
    """The session cookie of a browser signed in as the role's user (none for anonymous), and its CSRF token."""
    client = app.test_client()
    name = {"tenant": "alice", "other_tenant": "bob", "admin": "boss", "suspended": "sam"}.get(role)
    if name:
        assert log_in(client, name).status_code == 302
    token = csrf_token_from(client.get("/report").get_data(as_text=True))
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value, token


@pytest.fixture(scope="module")
def world(module_app):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dns_check, "LIFETIME_SECONDS", 0.05)  # the resolver that is not there is given up on at once
        yield World(module_app)


def _url(rule: str, values: dict) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda parameter: str(values.get(parameter[1], parameter[0])), rule)
    assert "<" not in url, f"no test value for a parameter of {rule}"
    return url + ("?from=1&to=1" if rule.endswith("/diff") else "")


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
def test_route_answers_each_role_as_the_matrix_says(endpoint, method, rule, role, world):
    expected = MATRIX[(endpoint, method)][ROLES.index(role)]
    client = world.client(role)
    url = _url(rule, world.values)
    try:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": client.csrf_token, "reason": "matrix"})
        outcome = _outcome(response)
        response.close()
    finally:
        world.put_back(changed_data=method != "GET")
    assert outcome == expected, f"{role} {method} {url} -> {response.status_code}"
