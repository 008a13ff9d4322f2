import os

import pytest

from profilehost import create_app
from profilehost.config import ConfigError, read_settings


def test_defaults_use_sqlite_in_the_instance_folder(tmp_path):
    settings = read_settings({"PROFILEHOST_INSTANCE_PATH": str(tmp_path)})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'profilehost.sqlite3'}"
    assert settings["REDIS_URL"] is None and settings["HTTPS"] is False


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_urls(given, expected):
    assert read_settings({"PROFILEHOST_DATABASE_URL": given})["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PROFILEHOST_DATABASE_URL", "mysql://u@h/db"),
        ("PROFILEHOST_HTTPS", "maybe"),
        ("PROFILEHOST_REDIS_URL", "http://localhost:6379"),
        ("PROFILEHOST_REGISTRATION", "sometimes"),
        ("PROFILEHOST_ASSET_QUOTA_MB", "lots"),
        ("PROFILEHOST_TRUST_PROXY", "-1"),
        ("PROFILEHOST_DATABSE_URL", "sqlite:///typo.sqlite3"),
        ("PROFILEHOST_SERVER_NAME", "https://profiles.example.org"),
        ("PROFILEHOST_SERVER_NAME", "profiles.example.org/alice"),
        ("PROFILEHOST_SERVER_NAME", "profiles.example.org,,www.profiles.example.org"),
        ("PROFILEHOST_PAGE_CACHE_MB", "lots"),
        ("PROFILEHOST_PUBLIC_CACHE_SECONDS", "0"),
        ("PROFILEHOST_SQLITE_BUSY_TIMEOUT_MS", "soon"),
        ("PROFILEHOST_RENDER_PROCESSES", "0"),
    ],
)
def test_malformed_or_unknown_settings_fail_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        read_settings({variable: value})


def test_server_names_are_read_in_the_one_spelling_requests_are_compared_in():
    given = " Profiles.Example.ORG., localhost:5000 ,profiles.example.org"
    settings = read_settings({"PROFILEHOST_SERVER_NAME": given})
    assert settings["SERVER_NAMES"] == ("profiles.example.org", "localhost:5000")
    assert read_settings({})["SERVER_NAMES"] == ()


def test_a_save_may_use_the_machines_cores_up_to_four_and_the_app_takes_the_setting(make_app):
    from profilehost.publishing import cores

    assert read_settings({})["RENDER_PROCESSES"] == min(os.cpu_count() or 1, 4)
    make_app(RENDER_PROCESSES=1)
    assert cores.processes() == 1
    make_app(RENDER_PROCESSES=3)
    assert cores.processes() == 3


def test_the_page_cache_budget_is_set_in_mib_and_zero_turns_it_off():
    assert read_settings({})["PAGE_CACHE_BYTES"] == 32 * 1024 * 1024
    assert read_settings({"PROFILEHOST_PAGE_CACHE_MB": "0"})["PAGE_CACHE_BYTES"] == 0


def test_create_app_fails_at_start_on_a_bad_setting(monkeypatch):
    monkeypatch.setenv("PROFILEHOST_HTTPS", "perhaps")
    with pytest.raises(ConfigError, match="PROFILEHOST_HTTPS"):
        create_app()


def test_https_turns_on_hsts(make_app):
    response = make_app(HTTPS=True).test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_takedown_delay_behind_a_shared_cache_is_a_setting_of_ten_seconds_by_default():
    assert read_settings({})["PUBLIC_CACHE_SECONDS"] == 10
    assert read_settings({"PROFILEHOST_PUBLIC_CACHE_SECONDS": "3"})["PUBLIC_CACHE_SECONDS"] == 3
