"""A suspended or self-deleted owner still owns their data: they read why, and can download their site."""

import io
import zipfile

from factories import page_source, publish
from profilehost.services import moderation
from support import PASSWORD, log_in, post_form


def test_a_suspended_owner_reads_why_and_downloads_their_site(logged_in):
    publish(logged_in.user, page_source("Mine", "/mine/"))
    moderation.suspend_account(None, logged_in.user, "Links to malware")
    log_in(logged_in, "alice")  # a suspension signs the owner out everywhere
    page = logged_in.get("/dashboard/suspended").get_data(as_text=True)
    assert "Links to malware" in page and 'href="/dashboard/export.zip"' in page
    response = logged_in.get("/dashboard/export.zip")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    assert "alice-site/_pages/page.md" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert logged_in.get("/dashboard/").headers["Location"] == "/dashboard/suspended"


def test_an_owner_whose_account_awaits_deletion_can_still_download_it(logged_in):
    publish(logged_in.user, page_source("Mine", "/mine/"))
    post_form(logged_in, "/dashboard/account/delete", {"delete-password": PASSWORD}, form_url="/dashboard/account")
    log_in(logged_in, "alice")
    assert 'href="/dashboard/export.zip"' in logged_in.get("/dashboard/scheduled-deletion").get_data(as_text=True)
    assert logged_in.get("/dashboard/export.zip").status_code == 200
