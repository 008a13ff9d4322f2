"""deploy/ holds systemd units that restart the web and the job worker whenever they die, as a dedicated user
with the settings in an environment file; `systemd-analyze verify` finds nothing to say about them."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from profilehost import config

DEPLOY = config.REPO_ROOT / "deploy"
UNITS = ["profilehost-web.service", "profilehost-worker.service"]
INSTALL_FOLDER = "/opt/profilehost"


def read_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(DEPLOY / name)
    return unit


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        message = "systemd-analyze is missing: install Debian's `systemd` package (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.mark.parametrize("name", UNITS)
def test_systemd_analyze_verify_finds_nothing_to_say_about_the_unit(name, systemd_analyze, tmp_path):
    # verify checks that ExecStart's program exists: the copy names this checkout as the install folder.
    installed = tmp_path / name
    installed.write_text((DEPLOY / name).read_text().replace(INSTALL_FOLDER, str(config.REPO_ROOT)))
    result = subprocess.run([systemd_analyze, "verify", str(installed)], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("name", UNITS)
def test_the_unit_restarts_always_as_a_dedicated_user_with_an_environment_file(name):
    service = read_unit(name)["Service"]
    assert service["Restart"] == "always"
    assert service["User"] == "profilehost" and service["Group"] == "profilehost"
    assert service["EnvironmentFile"] == "/etc/profilehost/profilehost.env"
    assert service["ExecStart"].startswith(f"{INSTALL_FOLDER}/.venv/bin/")


@pytest.mark.parametrize("name", UNITS)
def test_the_unit_is_hardened(name):
    service = read_unit(name)["Service"]
    assert {key: service.get(key) for key in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp",
                                              "CapabilityBoundingSet")} == {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
        "CapabilityBoundingSet": ""}


def test_the_web_unit_runs_gunicorn_with_the_house_settings():
    command = read_unit("profilehost-web.service")["Service"]["ExecStart"].split()
    assert command[0].endswith("/gunicorn") and command[1:] == ["--config", "deploy/gunicorn.conf.py", "wsgi:app"]
    assert Path(config.REPO_ROOT / command[2]).is_file()


def test_the_worker_unit_runs_the_job_worker_command(runner):
    command = read_unit("profilehost-worker.service")["Service"]["ExecStart"].split()
    assert command[0].endswith("/flask") and command[1:] == ["--app", "profilehost", "jobs", "worker"]
    assert "Usage:" in runner.invoke(args=["jobs", "worker", "--help"]).output
