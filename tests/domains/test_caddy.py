"""HTTPS for a researcher's domain without a step: the shipped deploy/Caddyfile, run by real Caddy on loopback
ports with its own CA (`tls internal`), asks the app before it makes a certificate. A verified domain gets one and
is served through it; any other name gets none: its TLS handshake fails."""

from __future__ import annotations

import ssl

import pytest

from factories import publish_site
from profilehost.domains import service

DOMAIN = "jane.example.org"


def test_caddy_serves_a_verified_domain_over_https_with_a_certificate_for_it(caddy, verify, make_user):
    jane = make_user("jane")
    publish_site(jane)
    verify(jane, DOMAIN)
    status, headers, body = caddy.get(DOMAIN)
    assert status == 200
    assert "Grace Fixture" in body
    assert f'<link rel="canonical" href="https://{DOMAIN}/">' in body
    assert "set-cookie" not in headers


def test_caddy_gives_no_certificate_to_an_unverified_or_unknown_name(caddy, verify, make_user, dnsmasq):
    jane = make_user("jane")
    publish_site(jane)
    verify(jane, DOMAIN)  # Caddy's CA exists once it has made one certificate
    assert caddy.get(DOMAIN)[0] == 200
    service.add_domain(jane, "unverified.example.org")
    for name in ("unverified.example.org", "random.example.net"):
        with pytest.raises(ssl.SSLError):
            caddy.get(name)
