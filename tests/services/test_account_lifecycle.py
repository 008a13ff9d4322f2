"""The account lifecycle (services.moderation): one rule keeps an active admin, one window to undo a deletion,
every change of state in the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from profilehost.extensions import db
from profilehost.models import ACCOUNT_RESTORE_WINDOW, AccountState, AuditEvent, Role, User, utcnow
from profilehost.services import accounts, moderation
from support import PASSWORD


@pytest.fixture
def boss_and_suspended_deputy(make_user):
    boss = make_user("boss", admin=True)
    deputy = make_user("deputy", admin=True)
    moderation.suspend_account(boss, deputy, "on leave")
    return boss, deputy


REMOVES_AN_ADMIN = {
    "suspend": lambda target: moderation.suspend_account(None, target, "bye"),
    "delete": lambda target: moderation.delete_account(None, target, "bye"),
    "demote": lambda target: moderation.demote(None, target),
    "delete own account": lambda target: moderation.delete_own_account(target, PASSWORD),
}


@pytest.mark.parametrize("action", REMOVES_AN_ADMIN)
def test_the_last_active_admin_is_kept_although_a_suspended_admin_exists(boss_and_suspended_deputy, action):
    boss, _deputy = boss_and_suspended_deputy
    with pytest.raises(moderation.ModerationError, match="boss is the last active admin"):
        REMOVES_AN_ADMIN[action](boss)
    db.session.expire_all()
    assert boss.is_admin and boss.state == AccountState.ACTIVE


@pytest.mark.parametrize("action", ["delete", "demote"])
def test_an_admin_who_is_not_active_can_be_removed_while_one_is(boss_and_suspended_deputy, action):
    _boss, deputy = boss_and_suspended_deputy
    REMOVES_AN_ADMIN[action](deputy)
    assert deputy.state == AccountState.DELETED or not deputy.is_admin


def test_bulk_actions_apply_to_admins_by_the_same_rule(make_user):
    boss = make_user("boss", admin=True)
    deputy = make_user("deputy", admin=True)
    outcome = moderation.bulk_action(boss, [deputy, boss], "suspend", "spam wave")
    assert outcome.done == ["deputy"] and outcome.skipped == ["boss"]
    assert moderation.bulk_action(None, [boss], "delete", "operator").skipped == ["boss"]
    assert boss.state == AccountState.ACTIVE


def test_deleting_ones_own_account_is_in_the_audit_log_like_its_cancellation(make_user):
    alice = make_user("alice")
    moderation.delete_own_account(alice, PASSWORD)
    moderation.cancel_own_deletion(alice)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(event.actor_name, event.action, event.target_name) for event in events] == [
        ("alice", "account.delete", "alice"), ("alice", "account.cancel_deletion", "alice")]
    assert events[0].reason == accounts.OWNER_DELETION


@pytest.mark.parametrize(("days_ago", "within"), [(ACCOUNT_RESTORE_WINDOW.days - 1, True),
                                                   (ACCOUNT_RESTORE_WINDOW.days + 1, False)])
def test_one_window_decides_restore_cancel_and_purge(make_user, days_ago, within):
    owner, other = make_user("alice"), make_user("bob")
    moderation.delete_own_account(owner, PASSWORD)
    moderation.delete_account(None, other, "spam")
    for user in (owner, other):
        user.deleted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    assert accounts.may_log_in(owner) is within
    if not within:
        with pytest.raises(moderation.ModerationError, match=f"more than {ACCOUNT_RESTORE_WINDOW.days} days"):
            moderation.restore_account(None, other)
    assert sorted(moderation.purge().accounts) == ([] if within else ["alice", "bob"])


def test_states_and_roles_are_stored_as_they_always_were(make_user):
    assert [str(state) for state in AccountState] == ["pending", "active", "suspended", "deleted"]
    assert [str(role) for role in Role] == ["user", "admin"]
    make_user("alice", state=AccountState.PENDING)
    stored = db.session.execute(select(User.state, User.role).where(User.username == "alice")).one()
    assert tuple(stored) == ("pending", "user") and AccountState(stored.state) is AccountState.PENDING


def test_deleting_a_deleted_account_again_is_refused_and_keeps_its_window(make_user):
    alice = make_user("alice")
    moderation.delete_account(None, alice, "spam")
    deleted_at = alice.deleted_at
    with pytest.raises(moderation.ModerationError, match="alice is deleted already"):
        moderation.delete_account(None, alice, "spam again")
    assert alice.deleted_at == deleted_at
