"""A purged account leaves nothing behind for the next account: its row id is never given out again, so neither
its cached public pages nor its audit trail can be attached to someone else."""

from datetime import timedelta

import pytest

from factories import page_source, publish
from profilehost.extensions import db
from profilehost.models import utcnow
from profilehost.services import moderation
from support import log_in


@pytest.fixture
def purge_account(runner):
    """Delete an account, let its 30 days pass, and purge it with the operator's command."""
    def purge(user) -> int:
        user_id = user.id
        moderation.delete_account(None, user, "leaving the university")
        user.deleted_at = utcnow() - timedelta(days=31)
        db.session.commit()
        result = runner.invoke(args=["purge"])
        assert result.exit_code == 0 and user.username in result.output
        return user_id

    return purge


def test_the_next_account_never_gets_a_purged_accounts_id(make_user, purge_account):
    make_user("boss", admin=True)
    purged_id = purge_account(make_user("alice"))
    assert make_user("bob").id > purged_id


def test_the_next_account_is_never_served_a_purged_accounts_cached_page(make_user, client, purge_account):
    alice = make_user("alice")
    publish(alice, page_source("Alice's notes", "/notes/", body="ALICE-ONLY"))
    assert "ALICE-ONLY" in client.get("/alice/notes/").get_data(as_text=True)  # now in the worker's cache
    cached_version = alice.site_version
    purge_account(alice)
    bob = make_user("bob")
    bob.site_version = cached_version  # what a few of bob's own edits would reach
    db.session.commit()
    response = client.get("/bob/notes/")
    assert response.status_code == 404
    assert "ALICE-ONLY" not in response.get_data(as_text=True)


def test_the_next_account_is_never_shown_a_purged_accounts_audit_trail(make_user, make_client, purge_account):
    make_user("boss", admin=True)
    purge_account(make_user("alice"))
    make_user("bob")
    admin = make_client()
    log_in(admin, "boss")
    page = admin.get("/admin/accounts/bob").get_data(as_text=True)
    assert "account.purge" not in page and "leaving the university" not in page
