"""The per-request tenant lookup: one private connection per thread, and never an answer older than a commit."""

import threading
from datetime import timedelta

from profilehost.extensions import db
from profilehost.models import AccountState, utcnow
from profilehost.public.tenant_heads import TenantHeads
from profilehost.services import moderation


def heads_for(app) -> TenantHeads:
    return app.extensions["profilehost.tenant_heads"]


def test_it_answers_like_the_users_table(app, make_user):
    alice = make_user("alice")
    head = heads_for(app)("Alice")
    assert (head.id, head.username, head.state, head.site_version) == (alice.id, "alice", alice.state,
                                                                        alice.site_version)
    assert heads_for(app)("nobody") is None


def test_a_commit_from_any_connection_is_seen_on_the_next_lookup(app, make_user):
    alice = make_user("alice")
    heads = heads_for(app)
    assert heads("alice").state == AccountState.ACTIVE
    moderation.suspend_account(None, alice, "spam")  # committed on the app's own pooled connection
    assert heads("alice").state == AccountState.SUSPENDED
    version = heads("alice").site_version
    alice.site_version += 1
    db.session.commit()
    assert heads("alice").site_version == version + 1
    assert heads("bob") is None
    make_user("bob")
    assert heads("bob") is not None


def test_each_thread_has_its_own_connection_and_all_close_with_the_engine(app, make_user):
    make_user("alice")
    heads = heads_for(app)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(heads("alice").username)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["alice"] * 3 and len(heads._opened) >= 3
    db.engine.dispose()
    assert heads._opened == []


def test_a_broken_connection_is_replaced_and_the_answer_still_comes(app, make_user):
    make_user("alice")
    heads = heads_for(app)
    heads("alice")
    heads._local.state.connection.close()
    assert heads("alice").username == "alice"
    assert heads("alice").username == "alice"


def test_a_name_taken_again_after_a_purge_answers_for_the_new_account_only(app, make_user):
    first = make_user("alice")
    first_id = first.id
    heads = heads_for(app)
    assert heads("alice").id == first_id
    moderation.delete_account(None, first, "leaving")
    first.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    moderation.purge()
    assert heads("alice") is None
    second = make_user("alice")
    head = heads("alice")
    assert head.id == second.id and head.id != first_id
