"""An admin approves a pending account, handles a report by suspending the account (its page turns 410), then
restores it."""

from browser_checks import follow, screenshot, serious_violations
from factories import page_source, publish
from profilehost.services import reports
from support import PASSWORD


def test_an_admin_works_through_the_queue(new_page, make_user, axe_source, screenshots_dir):
    make_user("boss", admin=True)
    newbie = make_user("newbie", state="pending")
    spammer = make_user("spammer")
    publish(newbie, page_source("Newbie", "/"))
    publish(spammer, page_source("Buy now", "/", "Cheap pills."))
    reports.file_report("/spammer/", "spam", "Selling pills.", "visitor@example.org")

    page = new_page()
    assert page.goto(page.base + "/newbie/").status == 404
    page.goto(page.base + "/login")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Log in"))
    page.goto(page.base + "/admin/")
    screenshot(page, screenshots_dir, "admin-overview")
    assert serious_violations(page, axe_source) == []

    page.goto(page.base + "/admin/accounts?state=pending")
    follow(page, page.get_by_role("link", name="newbie"))
    follow(page, page.get_by_role("button", name="Approve"))
    assert "newbie: approve done." in page.content()
    assert page.goto(page.base + "/newbie/").status == 200

    page.goto(page.base + "/admin/reports")
    screenshot(page, screenshots_dir, "reports-queue")
    assert serious_violations(page, axe_source) == []
    follow(page, page.get_by_role("link", name="Spam", exact=False).first)
    page.get_by_label("Reason for “Suspend spammer”").fill("Spam, reported by a visitor")
    follow(page, page.get_by_role("button", name="Suspend spammer"))
    assert page.goto(page.base + "/spammer/").status == 410
    page.go_back()
    page.goto(page.base + "/admin/accounts/spammer")
    follow(page, page.get_by_role("button", name="Restore"))
    assert page.goto(page.base + "/spammer/").status == 200
    page.goto(page.base + "/admin/audit")
    assert page.locator("code", has_text="account.suspend").count() == 1
    assert serious_violations(page, axe_source) == []
    page.emulate_media(color_scheme="dark")
    for path in ("/admin/", "/admin/reports", "/admin/accounts", "/admin/audit"):
        page.goto(page.base + path)
        assert serious_violations(page, axe_source) == [], path


def test_a_moderator_sees_a_honeypot_paragraph_as_visitors_do(new_page, make_user):
    # A class the app's own CSS hides must not hide a tenant's text from the admin who reviews it.
    make_user("boss", admin=True)
    spam = publish(make_user("spammer"), page_source("Spam", "/s/", '<p class="honeypot">Cheap pills</p>')).page
    page = new_page()
    page.goto(page.base + "/login")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Log in"))
    page.goto(f"{page.base}/admin/accounts/spammer/pages/{spam.id}")
    frame = page.frame_locator("iframe.tenant-rendering")
    assert frame.locator("p.honeypot").is_visible()
    assert frame.locator("p.honeypot").bounding_box()["x"] >= 0
