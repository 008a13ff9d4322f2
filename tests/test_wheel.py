"""The built wheel is the whole application: installed in a fresh environment, with this environment's
dependencies and nothing of the checkout, it makes its instance folder and key, builds its schema with its own
migrations and serves pages with its own templates. Built offline (no build isolation: the build backend is a dev
dependency)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path
from urllib.request import urlopen

import pytest

from profilehost.demo import DEMO_USERNAME
from support import free_port

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "profilehost", "templates", "migrations")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the sources, so the checkout gets no build folder."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", dist, source)
    return next(dist.glob("profilehost-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The python of a new virtual environment holding the wheel; the dependencies are this environment's."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    site_packages = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # A plain path line: the .pth files there (the checkout's editable install among them) are not read.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _run(*command, env: dict | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=300)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_carries_the_templates_and_the_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("templates", "migrations"):
        in_checkout = {path.relative_to(ROOT).as_posix() for path in (ROOT / folder).rglob("*")
                       if path.is_file() and "__pycache__" not in path.parts}
        assert in_checkout and {f"profilehost/{name}" for name in in_checkout} <= set(names)


def test_every_package_of_the_checkout_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {path.relative_to(ROOT).as_posix() for path in (ROOT / "profilehost").rglob("__init__.py")}
    assert packages <= names, f"add to [tool.setuptools] packages: {sorted(packages - names)}"


def test_the_installed_wheel_migrates_and_serves_pages(installed, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PROFILEHOST_", "PYTHON"))}
    env.update(PROFILEHOST_INSTANCE_PATH=str(tmp_path / "instance"))
    flask = (installed, "-m", "flask", "--app", "profilehost")
    where = _run(installed, "-c", "import profilehost; print(profilehost.__file__)", env=env, cwd=tmp_path)
    assert not where.startswith(str(ROOT)), f"profilehost came from the checkout: {where}"
    _run(*flask, "instance", "init", env=env, cwd=tmp_path)
    _run(*flask, "db", "upgrade", env=env, cwd=tmp_path)
    _run(*flask, "demo", env=env, cwd=tmp_path)
    port = free_port()
    server = subprocess.Popen([str(installed), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "profilehost:create_app()"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, server)
        for path in ("/", f"/{DEMO_USERNAME}/", "/login"):
            with urlopen(base + path, timeout=10) as response:
                assert response.status == 200, path
                assert b"<html" in response.read().lower()
    finally:
        server.terminate()
        server.communicate(timeout=20)


def _wait_for(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail(f"the installed app did not start:\n{server.stderr.read().decode()}")
        try:
            with urlopen(base + "/robots.txt", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("the installed app did not answer")
