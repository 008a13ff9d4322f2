import pyotp

from profilehost.models import Role, User
from profilehost.services import audit, two_factor
from support import PASSWORD, log_in, mail_in_folder, mail_text


def test_user_create_reads_the_password_from_the_environment(runner, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    result = runner.invoke(args=["user", "create", "carol", "--email", "carol@example.org"])
    assert result.exit_code == 0, result.output
    assert "Created user carol" in result.output
    assert User.query.filter_by(username="carol").one().role == Role.USER


def test_user_create_admin(runner, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    result = runner.invoke(args=["user", "create", "root-op", "--email", "op@example.org", "--admin"])
    assert result.exit_code == 0, result.output
    assert User.query.filter_by(username="root-op").one().is_admin


def test_user_create_prompts_for_the_password(runner, monkeypatch):
    monkeypatch.delenv("PROFILEHOST_PASSWORD", raising=False)
    result = runner.invoke(args=["user", "create", "dave", "--email", "dave@example.org"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert User.query.filter_by(username="dave").count() == 1


def test_user_create_refuses_a_taken_name(runner, make_user, monkeypatch):
    make_user("carol")
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    result = runner.invoke(args=["user", "create", "Carol", "--email", "other@example.org"])
    assert result.exit_code != 0
    assert "username: The name 'carol' is taken" in result.output


def test_user_create_refuses_an_invalid_name(runner, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    result = runner.invoke(args=["user", "create", "--email", "bad@example.org", "--", "bad-"])
    assert result.exit_code != 0
    assert "hyphen" in result.output
    assert User.query.count() == 0


def test_user_list(runner, make_user):
    make_user("carol")
    make_user("bob", admin=True)
    lines = runner.invoke(args=["user", "list"]).output.splitlines()
    assert lines == ["bob\tbob@example.org\tadmin\tactive", "carol\tcarol@example.org\tuser\tactive"]


def test_demo_creates_one_admin_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "one-time password" in first.output
    second = runner.invoke(args=["demo"])
    assert "An admin exists already." in second.output
    assert User.query.filter_by(role=Role.ADMIN).count() == 1


def test_user_password_sets_a_new_one_ends_sessions_and_is_audited(runner, make_user, monkeypatch, client):
    make_user("carol")
    log_in(client, "carol")
    assert client.get("/dashboard/").status_code == 200
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a brand new long password")
    result = runner.invoke(args=["user", "password", "carol"])
    assert result.exit_code == 0 and "Set a new password for carol" in result.output
    assert client.get("/dashboard/").status_code == 302  # the old session is over
    assert log_in(client, "carol", "a brand new long password").status_code == 302
    assert [event.action for event in audit.events(target="carol")] == ["account.reset_password"]


def test_user_password_refuses_a_short_one_and_an_unknown_account(runner, make_user, monkeypatch):
    make_user("carol")
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "short")
    assert runner.invoke(args=["user", "password", "carol"]).exit_code != 0
    result = runner.invoke(args=["user", "password", "nobody"])
    assert result.exit_code != 0 and "no account named 'nobody'" in result.output


def test_user_create_asks_for_a_new_password_at_first_sign_in(runner, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    result = runner.invoke(args=["user", "create", "carol", "--email", "carol@example.org"])
    assert "carol must choose a new password at first sign-in" in result.output
    assert User.query.filter_by(username="carol").one().must_change_password is True


def test_user_create_with_the_owners_own_password_asks_for_none(runner, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
    runner.invoke(args=["user", "create", "me", "--email", "me@example.org", "--admin", "--own-password"])
    assert User.query.filter_by(username="me").one().must_change_password is False


def test_user_password_asks_for_a_new_one_at_first_sign_in(runner, make_user, monkeypatch):
    make_user("carol")
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a brand new long password")
    runner.invoke(args=["user", "password", "carol"])
    assert User.query.filter_by(username="carol").one().must_change_password is True


def test_user_password_with_the_owners_own_password_asks_for_none_any_more(runner, make_user, monkeypatch):
    make_user("carol", must_change_password=True)
    monkeypatch.setenv("PROFILEHOST_PASSWORD", "a brand new long password")
    result = runner.invoke(args=["user", "password", "carol", "--own-password"])
    assert result.exit_code == 0 and "must choose" not in result.output
    assert User.query.filter_by(username="carol").one().must_change_password is False


def test_a_given_password_is_marked_in_the_accounts_own_transaction(runner, monkeypatch, app):
    """The new password and its mark are one transaction: no moment (or crash) leaves a given password unmarked."""
    from sqlalchemy import event

    from profilehost.extensions import db

    transactions = [[]]

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT INTO USERS", "UPDATE USERS")):
            transactions[-1].append(statement)

    def commit(_conn):
        transactions.append([])

    event.listen(db.engine, "before_cursor_execute", record)
    event.listen(db.engine, "commit", commit)
    try:
        monkeypatch.setenv("PROFILEHOST_PASSWORD", "a long enough password")
        runner.invoke(args=["user", "create", "carol", "--email", "carol@example.org"])
        runner.invoke(args=["user", "password", "carol", "--own-password"])
        runner.invoke(args=["user", "password", "carol"])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        event.remove(db.engine, "commit", commit)
    writing = [" ".join(statements) for statements in transactions if statements]
    assert len(writing) == 3 and all("password_hash" in t and "must_change_password" in t for t in writing), writing
    assert User.query.filter_by(username="carol").one().must_change_password is True


def test_user_reset_2fa_turns_it_off_and_is_audited_and_the_owner_is_told(runner, make_user, instance_path):
    carol = make_user("carol")
    secret = two_factor.enrolment_secret(carol, None)
    two_factor.enable(carol, two_factor.enrolment_reference(secret), PASSWORD, pyotp.TOTP(secret).now())
    assert "on" in mail_in_folder(instance_path, carol.email)["Subject"]
    result = runner.invoke(args=["user", "reset-2fa", "carol"])
    told = mail_in_folder(instance_path, carol.email)
    assert "Two-factor" in told["Subject"] and "an administrator" in mail_text(told)
    assert result.exit_code == 0 and "Turned two-factor sign-in off for carol" in result.output
    assert User.query.filter_by(username="carol").one().totp_secret is None
    event = audit.events(target="carol", action="account.reset_two_factor")[0]
    assert event.actor_name == audit.CLI_ACTOR


def test_user_reset_2fa_of_an_account_without_it_says_so(runner, make_user):
    make_user("carol")
    result = runner.invoke(args=["user", "reset-2fa", "carol"])
    assert result.exit_code != 0 and "does not use two-factor sign-in" in result.output
    assert audit.events(action="account.reset_two_factor") == []


def test_user_reset_2fa_names_a_missing_account(runner):
    result = runner.invoke(args=["user", "reset-2fa", "nobody"])
    assert result.exit_code != 0 and "There is no account named 'nobody'" in result.output
