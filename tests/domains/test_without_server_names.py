"""A site started without PROFILEHOST_SERVER_NAME cannot tell a researcher's domain from its own names (the
HostGate would serve the whole app, its sign-in too, at the domain), so domains are off there: Caddy's ask says no
to every name, and the dashboard says what the operator has to set instead of taking a domain."""

from __future__ import annotations

import pytest

from factories import publish_site
from profilehost.domains import service
from profilehost.domains.models import Domain
from profilehost.extensions import db
from support import csrf_token_from, log_in, post_form

DOMAIN = "jane.example.org"
TARGET = "pages.example.org"  # the conftest's PROFILEHOST_DOMAIN_TARGET


@pytest.fixture
def domain_settings(domain_settings):
    return {**domain_settings, "SERVER_NAMES": ()}


@pytest.fixture
def jane(make_user):
    user = make_user("jane")
    publish_site(user)
    return user


@pytest.fixture
def jane_client(make_client, jane):
    client = make_client()
    log_in(client, "jane")
    return client


def test_caddy_gets_no_certificate_even_for_a_verified_domain(client, verify, jane):
    verify(jane, DOMAIN)  # as on a site whose names were set before
    assert client.get(f"/caddy/ask?domain={DOMAIN}").status_code == 404
    assert not service.is_servable(DOMAIN)


def test_the_page_says_the_operator_has_to_set_the_names_and_shows_no_form(jane_client):
    page = jane_client.get("/dashboard/domains").get_data(as_text=True)
    assert "Domains are off on this site" in page and "PROFILEHOST_SERVER_NAME" in page
    assert 'name="name"' not in page and "Add domain" not in page


def test_adding_a_domain_is_refused_naming_the_setting(jane_client):
    page = jane_client.get("/dashboard/domains").get_data(as_text=True)
    response = jane_client.post("/dashboard/domains", data={"csrf_token": csrf_token_from(page), "name": DOMAIN})
    assert response.status_code == 503
    assert "PROFILEHOST_SERVER_NAME" in response.get_data(as_text=True)
    assert db.session.query(Domain).count() == 0


def test_checking_a_domain_is_refused_even_when_dns_says_it_is_theirs(dnsmasq, jane_client, jane):
    domain = service.add_domain(jane, DOMAIN)  # added while the names were set
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": domain.token}, cname={DOMAIN: TARGET})
    response = post_form(jane_client, f"/dashboard/domains/{domain.id}/check", {}, form_url="/dashboard/domains",
                         follow_redirects=True)
    assert "has to set PROFILEHOST_SERVER_NAME" in response.get_data(as_text=True)
    db.session.refresh(domain)
    assert domain.verified_at is None
