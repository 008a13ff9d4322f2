from profilehost.models import Role, User


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
