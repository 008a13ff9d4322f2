"""The content origin and the domains' settings are read once, at start, and a mistake names the variable."""

from __future__ import annotations

import pytest

from profilehost.config import ConfigError, read_settings


def settings(**env: str) -> dict:
    return read_settings({f"PROFILEHOST_{name}": value for name, value in env.items()})


def test_nothing_configured_keeps_every_site_on_the_sites_own_names():
    read = settings()
    assert read["PAGES_HOST"] is None and read["DNS_RESOLVER"] is None and read["DOMAIN_ADDRESSES"] == ()


def test_the_settings_are_read_in_one_spelling():
    read = settings(PAGES_HOST="Pages.Example.org.", DNS_RESOLVER="127.0.0.1:5353", DOMAIN_TARGET="Edge.Example.org",
                    DOMAIN_ADDRESSES="192.0.2.7, 2001:db8::7")
    assert read["PAGES_HOST"] == "pages.example.org"
    assert read["DNS_RESOLVER"] == ("127.0.0.1", 5353)
    assert read["DOMAIN_TARGET"] == "edge.example.org"
    assert read["DOMAIN_ADDRESSES"] == ("192.0.2.7", "2001:db8::7")


@pytest.mark.parametrize(("env", "named"), [
    ({"PAGES_HOST": "https://pages.example.org/"}, "PROFILEHOST_PAGES_HOST"),
    ({"PAGES_HOST": "profiles.example.org", "SERVER_NAME": "profiles.example.org"}, "PROFILEHOST_PAGES_HOST"),
    ({"DNS_RESOLVER": "dns.example.org:53"}, "PROFILEHOST_DNS_RESOLVER"),
    ({"DNS_RESOLVER": "127.0.0.1"}, "PROFILEHOST_DNS_RESOLVER"),
    ({"DOMAIN_ADDRESSES": "192.0.2.300"}, "PROFILEHOST_DOMAIN_ADDRESSES"),
    ({"DOMAIN_TARGET": "edge.example.org:8443"}, "PROFILEHOST_DOMAIN_TARGET"),
])
def test_a_malformed_setting_stops_the_start_naming_it(env, named):
    with pytest.raises(ConfigError, match=named):
        settings(**env)
