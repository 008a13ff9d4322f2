"""`create_app` touches no file: `flask instance init` makes the instance folder and its secret key, once, and
every way of starting profilehost runs it first. An app without a key refuses to serve, naming the command."""

from __future__ import annotations

import configparser
import os
import stat
import subprocess
import sys

import pytest

from profilehost import config, create_app

COMMAND = "flask --app profilehost instance init"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder not made yet, and an environment that names it and sets no key."""
    for name in os.environ:
        if name.startswith(config.PREFIX):
            monkeypatch.delenv(name)
    folder = tmp_path / "instance"
    monkeypatch.setenv("PROFILEHOST_INSTANCE_PATH", str(folder))
    return folder


def _init(app=None):
    result = (app or create_app()).test_cli_runner().invoke(args=["instance", "init"])
    assert result.exit_code == 0, result.output
    return result.output


def test_create_app_on_an_empty_instance_folder_makes_no_file(instance, tmp_path):
    create_app()
    assert list(tmp_path.rglob("*")) == []


def test_instance_init_makes_the_key_once_readable_by_its_owner_alone(instance):
    assert "Made the secret key" in _init()
    key_file = instance / config.SECRET_KEY_FILE
    key = key_file.read_text()
    assert len(key) == 64 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "Kept the secret key" in _init()
    assert key_file.read_text() == key
    assert sorted(path.name for path in instance.iterdir()) == [config.SECRET_KEY_FILE]


def test_an_empty_key_file_is_named_with_what_to_do_not_kept(instance):
    instance.mkdir()
    (instance / config.SECRET_KEY_FILE).write_text("")
    result = create_app().test_cli_runner().invoke(args=["instance", "init"])
    assert result.exit_code == 1
    assert "is empty" in result.output and "delete it" in result.output and "Kept" not in result.output


def test_the_app_signs_with_the_key_instance_init_made(instance):
    _init()
    assert create_app().secret_key == (instance / config.SECRET_KEY_FILE).read_text()


def test_a_key_in_the_environment_needs_no_key_file(instance, monkeypatch):
    monkeypatch.setenv("PROFILEHOST_SECRET_KEY", "from-the-environment")
    assert "comes from PROFILEHOST_SECRET_KEY" in _init()
    assert instance.is_dir() and list(instance.iterdir()) == []
    assert create_app().secret_key == "from-the-environment"


def test_an_app_without_a_key_refuses_every_request_naming_the_command_in_the_log(instance, caplog):
    client = create_app({"TESTING": True}).test_client()
    for path in ("/", "/login", "/register", "/api/v1/pages"):
        caplog.clear()
        response = client.get(path)
        assert response.status_code == 503
        assert "not set up yet" in response.get_data(as_text=True)
        assert [record.levelname for record in caplog.records] == ["ERROR"]
        assert f"`{COMMAND}`" in caplog.text and "PROFILEHOST_SECRET_KEY" in caplog.text
        assert "Traceback" not in caplog.text


def test_wsgi_refuses_to_start_without_a_key_naming_the_command(instance, tmp_path):
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=config.REPO_ROOT, capture_output=True,
                             text=True, timeout=60)
    assert started.returncode != 0
    assert COMMAND in started.stderr and "PROFILEHOST_SECRET_KEY" in started.stderr
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize("name", ["profilehost-web.service", "profilehost-worker.service"])
def test_each_systemd_unit_runs_instance_init_before_it_starts(name):
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(config.REPO_ROOT / "deploy" / name)
    assert unit["Service"]["ExecStartPre"].split()[1:] == ["--app", "profilehost", "instance", "init"]


def test_make_run_runs_instance_init_before_anything_else():
    planned = subprocess.run(["make", "--dry-run", "run"], cwd=config.REPO_ROOT,
                             capture_output=True, text=True, timeout=60).stdout
    flask_commands = [line.split("--app profilehost ")[1] for line in planned.splitlines()
                      if "/flask --app profilehost " in line]
    assert flask_commands[0] == "instance init", planned
