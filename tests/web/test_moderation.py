from datetime import timedelta

import pytest
from sqlalchemy import select

from factories import page_source, publish, publish_site, store_file
from profilehost.extensions import db
from profilehost.models import AccountState, AuditEvent, Invite, Report, User, utcnow
from profilehost.services import invites, moderation
from support import PASSWORD, log_in, post_form


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def register(client, username="newbie", **extra):
    return post_form(client, "/register", {"username": username, "email": f"{username}@example.org",
                                           "password": PASSWORD, "confirm": PASSWORD, **extra})


# --- registration modes ------------------------------------------------------------------------------------

def test_approval_mode_makes_pending_accounts_that_can_prepare_pages(make_app, client):
    server = make_app(REGISTRATION="approval").test_client()
    assert register(server).status_code == 302
    user = User.query.filter_by(username="newbie").one()
    assert user.state == AccountState.PENDING
    publish(user, page_source("Hi", "/"))
    assert "Waiting for approval." in server.get("/dashboard/").get_data(as_text=True)
    assert client.get("/newbie/").status_code == 404


def test_closed_mode_refuses_the_form_and_a_direct_post(app, make_app):
    server = make_app(REGISTRATION="closed").test_client()
    assert server.get("/register").status_code == 403
    response = server.post("/register", data={"username": "sneaky", "email": "s@example.org",
                                              "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code in (400, 403)
    assert User.query.filter_by(username="sneaky").count() == 0


def test_invite_mode_needs_a_valid_code(make_app, make_user):
    server = make_app(REGISTRATION="invite").test_client()
    assert "needs an invite code" in register(server).get_data(as_text=True)
    invite = invites.create_invite(None, max_uses=1, days=1)
    assert register(server, invite_code=invite.code).status_code == 302
    other = make_app(REGISTRATION="invite").test_client()
    assert "used up" in register(other, "second", invite_code=invite.code).get_data(as_text=True)
    assert User.query.filter_by(username="second").count() == 0


def test_expired_invites_are_refused(app, make_app):
    invite = invites.create_invite(None, max_uses=5, days=1)
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    server = make_app(REGISTRATION="invite").test_client()
    assert "expired" in register(server, invite_code=invite.code).get_data(as_text=True)
    assert db.session.get(Invite, invite.id).uses == 0


# --- account states ------------------------------------------------------------------------------------------

def test_suspension_ends_sessions_shows_the_reason_and_allows_one_appeal(make_client, make_user, admin_client):
    tenant = make_user("alice")
    publish_site(tenant)
    tenant_client = make_client()
    log_in(tenant_client, "alice")
    response = post_form(admin_client, "/admin/accounts/alice/suspend", {"reason": "spam links"},
                         form_url="/admin/accounts/alice")
    assert response.status_code == 302
    assert tenant_client.get("/dashboard/").status_code == 302  # session ended
    log_in(tenant_client, "alice")
    page = tenant_client.get("/dashboard/", follow_redirects=True).get_data(as_text=True)
    assert "Your account is suspended" in page and "spam links" in page
    sent = post_form(tenant_client, "/dashboard/suspended/appeal", {"message": "It was a mistake."},
                     form_url="/dashboard/suspended")
    assert sent.status_code == 302
    again = post_form(tenant_client, "/dashboard/suspended/appeal", {"message": "Please!"},
                      form_url="/dashboard/suspended")
    assert again.status_code != 302
    assert audit_actions() == ["account.suspend", "appeal.submit"]
    event = db.session.scalars(select(AuditEvent)).first()
    assert (event.actor_name, event.target_name, event.reason, event.ip) == ("boss", "alice", "spam links",
                                                                             "127.0.0.1")


def test_suspension_requires_a_reason(admin_client, make_user):
    make_user("alice")
    post_form(admin_client, "/admin/accounts/alice/suspend", {"reason": ""}, form_url="/admin/accounts/alice")
    db.session.expire_all()
    assert User.query.filter_by(username="alice").one().state == AccountState.ACTIVE


def test_accepting_an_appeal_restores_the_account(admin_client, make_user, client):
    tenant = make_user("alice")
    publish_site(tenant)
    moderation.suspend_account(None, tenant, "spam")
    appeal = moderation.submit_appeal(tenant, "Sorry")
    post_form(admin_client, f"/admin/appeals/{appeal.id}", {"decision": "accept", "response": "OK"},
              form_url="/admin/appeals")
    assert client.get("/alice/").status_code == 200


def test_delete_then_purge_after_the_window(make_user, runner):
    tenant = make_user("alice")
    publish_site(tenant)
    store_file(tenant)
    moderation.delete_account(None, tenant, "requested by email")
    assert moderation.purge().accounts == []
    later = utcnow() + timedelta(days=31)
    summary = moderation.purge(now=later)
    assert summary.accounts == ["alice"] and summary.pages == 3 and summary.assets == 1
    assert User.query.filter_by(username="alice").count() == 0
    assert "account.purge" in audit_actions()


def test_purge_command_says_what_it_removed(make_user, runner):
    tenant = make_user("alice")
    moderation.delete_account(None, tenant, "spam")
    tenant.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    output = runner.invoke(args=["purge"]).output
    assert "Purged 1 account(s): alice" in output


def test_a_deleted_account_is_restorable_within_the_window(make_user, client):
    tenant = make_user("alice")
    publish_site(tenant)
    moderation.delete_account(None, tenant, "mistake")
    assert client.get("/alice/").status_code == 404
    moderation.restore_account(None, tenant)
    assert client.get("/alice/").status_code == 200


def test_the_last_admin_cannot_be_demoted_or_deleted(make_user, runner):
    boss = make_user("boss", admin=True)
    with pytest.raises(moderation.ModerationError, match="last active admin"):
        moderation.demote(None, boss)
    with pytest.raises(moderation.ModerationError, match="last active admin"):
        moderation.delete_account(None, boss, "bye")
    result = runner.invoke(args=["user", "demote", "boss"])
    assert result.exit_code != 0 and "last active admin" in result.output
    make_user("deputy", admin=True)
    moderation.demote(None, boss)
    assert not boss.is_admin


def test_cli_moderation_is_audited(make_user, runner, client):
    tenant = make_user("alice")
    publish_site(tenant)
    before = client.get("/alice/").data
    assert runner.invoke(args=["user", "suspend", "alice", "--reason", "test"]).exit_code == 0
    assert client.get("/alice/").status_code == 410
    assert runner.invoke(args=["user", "restore", "alice"]).exit_code == 0
    assert client.get("/alice/").data == before
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.actor_name) for e in events] == [("account.suspend", "operator (command line)"),
                                                           ("account.restore", "operator (command line)")]


def test_cli_approve_and_promote(make_user, runner):
    make_user("newbie", state="pending")
    assert runner.invoke(args=["user", "approve", "newbie"]).exit_code == 0
    assert runner.invoke(args=["user", "promote", "newbie"]).exit_code == 0
    db.session.expire_all()
    user = User.query.filter_by(username="newbie").one()
    assert user.state == AccountState.ACTIVE and user.is_admin


# --- pages ---------------------------------------------------------------------------------------------------

def test_unpublish_shows_the_owner_the_reason_and_only_an_admin_republishes(admin_client, make_user,
                                                                           make_client, client):
    tenant = make_user("alice")
    page = publish(tenant, page_source("Mine", "/p/")).page
    post_form(admin_client, f"/admin/accounts/alice/pages/{page.id}/unpublish", {"reason": "copyright"},
              form_url=f"/admin/accounts/alice/pages/{page.id}")
    assert client.get("/alice/p/").status_code == 404
    owner = make_client()
    log_in(owner, "alice")
    assert "copyright" in owner.get("/dashboard/").get_data(as_text=True)
    publish(tenant, page_source("Mine, edited", "/p/"))
    assert client.get("/alice/p/").status_code == 404
    post_form(admin_client, f"/admin/accounts/alice/pages/{page.id}/republish", {},
              form_url=f"/admin/accounts/alice/pages/{page.id}")
    assert client.get("/alice/p/").status_code == 200


def test_admins_can_read_drafts_but_have_no_edit_route(admin_client, make_user, server):
    tenant = make_user("alice")
    page = publish(tenant, page_source("Secret draft", "/d/", published="false")).page
    html = admin_client.get(f"/admin/accounts/alice/pages/{page.id}").get_data(as_text=True)
    assert "Secret draft" in html
    admin_rules = [rule.rule for rule in server.url_map.iter_rules() if rule.rule.startswith("/admin")]
    assert not any("edit" in rule for rule in admin_rules)


# --- bulk ------------------------------------------------------------------------------------------------------

def test_bulk_suspend_with_one_reason(admin_client, make_user, client):
    for name in ("spam1", "spam2"):
        publish(make_user(name), page_source("Buy now", "/"))
    make_user("keeper")
    response = admin_client.post("/admin/accounts/bulk", data={
        "csrf_token": _token(admin_client, "/admin/accounts"), "action": "suspend", "reason": "spam wave",
        "selected": ["spam1", "spam2", "boss"]})
    assert response.status_code == 302
    assert client.get("/spam1/").status_code == 410 and client.get("/spam2/").status_code == 410
    db.session.expire_all()
    assert User.query.filter_by(username="boss").one().state == AccountState.ACTIVE
    assert audit_actions().count("account.suspend") == 2


def test_bulk_approve(admin_client, make_user):
    make_user("p1", state="pending")
    make_user("p2", state="pending")
    admin_client.post("/admin/accounts/bulk", data={"csrf_token": _token(admin_client, "/admin/accounts"),
                                                    "action": "approve", "reason": "", "selected": ["p1", "p2"]})
    db.session.expire_all()
    assert {u.state for u in User.query.filter(User.username.in_(["p1", "p2"]))} == {AccountState.ACTIVE}


def _token(client, url):
    from support import csrf_token_from

    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_account_search_and_filters(admin_client, make_user):
    make_user("findme")
    make_user("waiting", state="pending")
    listing = admin_client.get("/admin/accounts?q=find").get_data(as_text=True)
    assert "findme" in listing and "waiting" not in listing
    pending = admin_client.get("/admin/accounts?state=pending").get_data(as_text=True)
    assert "waiting" in pending and "findme" not in pending


# --- reports ---------------------------------------------------------------------------------------------------

def test_report_flow_end_to_end(make_user, make_client, admin_client, client):
    tenant = make_user("alice")
    publish_site(tenant)
    visitor = make_client()
    assert 'href="/report?url=/alice/"' in visitor.get("/alice/").get_data(as_text=True)
    response = post_form(visitor, "/report", {"url": "/alice/", "category": "spam", "message": "Ads everywhere",
                                              "contact_email": "v@example.org"}, form_url="/report?url=/alice/")
    assert response.status_code == 201
    status_url = response.get_data(as_text=True).split('href="/report/status/', 1)[1].split('"', 1)[0]
    assert "Being reviewed" in visitor.get(f"/report/status/{status_url}").get_data(as_text=True)
    report = db.session.scalars(select(Report)).one()
    queue = admin_client.get("/admin/reports").get_data(as_text=True)
    assert "alice" in queue and "Ads everywhere" in queue
    post_form(admin_client, f"/admin/reports/{report.id}/note", {"note": "Looking"},
              form_url=f"/admin/reports/{report.id}")
    post_form(admin_client, "/admin/accounts/alice/suspend", {"reason": "spam",
                                                              "back": f"/admin/reports/{report.id}"},
              form_url=f"/admin/reports/{report.id}")
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == "open"
    post_form(admin_client, f"/admin/reports/{report.id}/close", {"status": "resolved",
                                                                  "outcome": "Account suspended."},
              form_url=f"/admin/reports/{report.id}")
    shown = visitor.get(f"/report/status/{status_url}").get_data(as_text=True)
    assert "Resolved" in shown and "Account suspended." in shown
    assert audit_actions() == ["report.note", "account.suspend", "report.resolved"]


def test_reports_about_one_tenant_are_grouped(make_user, admin_client):
    tenant = make_user("alice")
    publish_site(tenant)
    from profilehost.services import reports

    reports.file_report("/alice/", "spam", "one", "")
    reports.file_report("/alice/publications/", "other", "two", "")
    assert "2 open" in admin_client.get("/admin/reports").get_data(as_text=True)


def test_the_honeypot_stores_nothing(make_user, client):
    publish_site(make_user("alice"))
    response = post_form(client, "/report", {"url": "/alice/", "category": "spam", "website": "http://bot"})
    assert response.status_code == 200
    assert db.session.scalars(select(Report)).all() == []


def test_reports_are_rate_limited_per_address(make_user, client):
    publish_site(make_user("alice"))
    statuses = [post_form(client, "/report", {"url": "/alice/", "category": "spam"}).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]


def test_a_report_about_a_page_that_is_not_ours_is_refused(client):
    response = post_form(client, "/report", {"url": "https://elsewhere.example/", "category": "spam"})
    assert response.status_code == 422


# --- screens ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts", "/admin/accounts/boss", "/admin/reports",
                                 "/admin/appeals", "/admin/invites", "/admin/audit?action=account.suspend"])
def test_admin_screens_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_invites_screen_creates_a_link(admin_client):
    response = post_form(admin_client, "/admin/invites", {"max_uses": "3", "days": "7", "note": "lab"})
    assert response.status_code == 302
    assert "/register?invite=" in admin_client.get("/admin/invites").get_data(as_text=True)


@pytest.mark.parametrize("url", ["//alice/", "/\\alice/", "/ alice/", "https://alice.example/"])
def test_a_report_cannot_plant_a_link_to_another_host(make_user, client, url):
    publish_site(make_user("alice"))
    assert post_form(client, "/report", {"url": url, "category": "spam"}).status_code == 422


def test_only_active_or_pending_accounts_can_be_suspended_and_never_the_last_admin(make_user):
    boss = make_user("boss", admin=True)
    gone = make_user("gone")
    moderation.delete_account(None, gone, "spam")
    with pytest.raises(moderation.ModerationError, match="only active or pending"):
        moderation.suspend_account(None, gone, "again")
    with pytest.raises(moderation.ModerationError, match="last active admin"):
        moderation.suspend_account(None, boss, "oops")
    deputy = make_user("deputy", admin=True)
    with pytest.raises(moderation.ModerationError, match="cannot suspend yourself"):
        moderation.suspend_account(deputy, deputy, "me")
    moderation.suspend_account(deputy, boss, "rogue admin")
    assert boss.state == AccountState.SUSPENDED


def test_a_bulk_action_suspends_another_admin_but_never_the_one_acting(admin_client, make_user):
    make_user("deputy", admin=True)
    response = admin_client.post("/admin/accounts/bulk", data={
        "csrf_token": _token(admin_client, "/admin/accounts"), "action": "suspend", "reason": "compromised",
        "selected": ["deputy", "boss"]}, follow_redirects=True)
    assert "Suspend: deputy. Skipped (not applicable): boss." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [user.state for user in User.query.order_by(User.username)] == ["active", "suspended"]


def test_a_reason_too_long_is_refused_with_a_message_not_a_bare_400(admin_client, make_user):
    make_user("alice")
    response = post_form(admin_client, "/admin/accounts/alice/suspend", {"reason": "x" * 2001},
                         form_url="/admin/accounts/alice", follow_redirects=True)
    assert response.status_code == 200 and "Reason: Field cannot be longer than 2000 characters." in response.text
    assert User.query.filter_by(username="alice").one().state == AccountState.ACTIVE


def test_the_last_active_admin_is_told_why_their_own_deletion_is_refused(admin_client, make_user):
    deputy = make_user("deputy", admin=True)
    moderation.suspend_account(None, deputy, "on leave")
    response = post_form(admin_client, "/dashboard/account/delete", {"delete-password": PASSWORD},
                         form_url="/dashboard/account")
    assert response.status_code == 422 and "boss is the last active admin" in response.text
    assert User.query.filter_by(username="boss").one().state == AccountState.ACTIVE
