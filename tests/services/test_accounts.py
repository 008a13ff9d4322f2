import pytest

from profilehost.models import User
from profilehost.services import accounts
from support import PASSWORD


@pytest.mark.parametrize("username", ["ab", "alice", "a-b", "x1", "a" * 32, "0day", "jean-luc-2"])
def test_valid_usernames_are_accepted(app, username):
    user = accounts.create_account(username, f"{username}@example.org", PASSWORD)
    assert user.username == username


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("a", "2 to 32"),
        ("a" * 33, "2 to 32"),
        ("-alice", "hyphen"),
        ("alice-", "hyphen"),
        ("al ice", "lowercase letters"),
        ("al_ice", "lowercase letters"),
        ("al.ice", "lowercase letters"),
        ("élise", "lowercase letters"),
        ("alice/x", "lowercase letters"),
        ("", "2 to 32"),
    ],
)
def test_invalid_usernames_are_refused_with_the_rule(app, username, reason):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_account(username, "someone@example.org", PASSWORD)
    assert refused.value.field == "username"
    assert reason in refused.value.message


@pytest.mark.parametrize("username", ["admin", "root", "www", "api", "static", "help", "about", "support",
                                      "security", "login", "register", "dashboard", "ADMIN"])
def test_reserved_usernames_are_refused(app, username):
    with pytest.raises(accounts.AccountError, match="reserved"):
        accounts.create_account(username, "someone@example.org", PASSWORD)


def test_usernames_are_unique_regardless_of_case(app):
    accounts.create_account("alice", "alice@example.org", PASSWORD)
    with pytest.raises(accounts.AccountError, match="taken"):
        accounts.create_account("ALICE", "other@example.org", PASSWORD)


def test_emails_are_unique_regardless_of_case(app):
    accounts.create_account("alice", "alice@example.org", PASSWORD)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_account("bob", "ALICE@example.org", PASSWORD)
    assert refused.value.field == "email"


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.org", "a b@example.org", "alice@localhost"])
def test_invalid_emails_are_refused(app, email):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_account("alice", email, PASSWORD)
    assert refused.value.field == "email"


def test_short_passwords_are_refused(app):
    with pytest.raises(accounts.AccountError, match="at least 10"):
        accounts.create_account("alice", "alice@example.org", "123456789")


def test_stored_password_is_an_argon2_hash(app):
    accounts.create_account("alice", "alice@example.org", PASSWORD)
    stored = User.query.filter_by(username="alice").one().password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_authenticate_checks_the_password(app):
    accounts.create_account("alice", "alice@example.org", PASSWORD)
    assert accounts.authenticate("alice", PASSWORD).username == "alice"
    assert accounts.authenticate("Alice", PASSWORD).username == "alice"
    assert accounts.authenticate("alice", PASSWORD + "x") is None
    assert accounts.authenticate("nobody", PASSWORD) is None


def test_every_first_path_segment_of_the_app_is_reserved(app):
    segments = {rule.rule.split("/")[1] for rule in app.url_map.iter_rules()}
    app_segments = {segment for segment in segments if segment and not segment.startswith("<")}
    assert app_segments <= accounts.RESERVED_USERNAMES
