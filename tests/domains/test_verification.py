"""A researcher adds a domain in the dashboard, is shown the records to create, and DNS (a real dnsmasq) decides
whether it is theirs and points here; it is checked again periodically and stops being served when it no longer
does."""

from __future__ import annotations

import pytest

from profilehost.domains import dns_check, service
from profilehost.domains.models import Domain
from profilehost.extensions import db
from support import csrf_token_from, log_in, post_form

DOMAIN = "jane.example.org"
TARGET = "pages.example.org"  # the conftest's PROFILEHOST_DOMAIN_TARGET
ADDRESS = "192.0.2.10"  # and its PROFILEHOST_DOMAIN_ADDRESSES


@pytest.fixture
def jane(make_user):
    return make_user("jane")


@pytest.fixture
def jane_client(make_client, jane):
    client = make_client()
    log_in(client, "jane")
    return client


def add_in_dashboard(client, name: str):
    return post_form(client, "/dashboard/domains", {"name": name})


def test_an_added_domain_shows_the_exact_records_to_create(jane_client, jane):
    response = add_in_dashboard(jane_client, "Jane.Example.org.")
    assert response.status_code == 302
    page = jane_client.get("/dashboard/domains").get_data(as_text=True)
    domain = db.session.query(Domain).one()
    assert domain.name == DOMAIN
    assert f"_profilehost.{DOMAIN}" in page and domain.token in page
    assert "CNAME" in page and TARGET in page
    assert ADDRESS in page
    assert "Not verified yet" in page


@pytest.mark.parametrize(("given", "message"), [
    ("", "enter a name"),
    ("https://jane.example.org/", "without https://"),
    ("203.0.113.5", "IP address"),
    ("localhost", "full name"),
    ("jane", "full name"),
    ("a" * 64 + ".example.org", "not a valid domain name"),
    (("a" * 60 + ".") * 5 + "org", "at most 253"),
    ("-jane-.example.org", "not a valid domain name"),
    ("x.localhost", "belongs to this site"),
])
def test_a_name_that_cannot_be_a_domain_is_refused_with_a_message(jane_client, given, message):
    response = add_in_dashboard(jane_client, given)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Domain).count() == 0


def test_an_internationalized_name_is_stored_in_its_ascii_form(jane_client, jane):
    assert add_in_dashboard(jane_client, "jané.example.org").status_code == 302
    assert db.session.query(Domain).one().name == "xn--jan-dma.example.org"


def test_the_same_domain_twice_answers_409(jane_client):
    add_in_dashboard(jane_client, DOMAIN)
    response = add_in_dashboard(jane_client, DOMAIN)
    assert response.status_code == 409
    assert "already one of your domains" in response.get_data(as_text=True)


def test_without_the_txt_record_the_check_says_what_is_missing(dnsmasq, jane):
    domain = service.add_domain(jane, DOMAIN)
    dnsmasq.serve(cname={DOMAIN: TARGET})
    service.check_domain(domain)
    assert domain.verified_at is None
    assert f"_profilehost.{DOMAIN}" in domain.problem


def test_a_wrong_token_is_not_enough(dnsmasq, jane):
    domain = service.add_domain(jane, DOMAIN)
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": "someone-elses-token"}, cname={DOMAIN: TARGET})
    assert service.check_domain(domain).verified_at is None


def test_the_token_without_pointing_here_is_not_enough(dnsmasq, jane):
    domain = service.add_domain(jane, DOMAIN)
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": domain.token}, cname={DOMAIN: "elsewhere.example.net"},
                  a={"elsewhere.example.net": "198.51.100.1"})
    service.check_domain(domain)
    assert domain.verified_at is None
    assert "does not point here" in domain.problem


def test_the_token_and_a_cname_here_verify_a_subdomain(dnsmasq, jane):
    domain = service.add_domain(jane, DOMAIN)
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": domain.token}, cname={DOMAIN: TARGET})
    service.check_domain(domain)
    assert domain.verified_at is not None and domain.problem is None


def test_the_token_and_an_a_record_here_verify_an_apex(dnsmasq, jane):
    domain = service.add_domain(jane, "example.org")
    dnsmasq.serve(txt={"_profilehost.example.org": domain.token}, a={"example.org": ADDRESS})
    assert service.check_domain(domain).verified_at is not None


def test_checking_from_the_dashboard_verifies_and_says_so(dnsmasq, jane_client, jane):
    add_in_dashboard(jane_client, DOMAIN)
    domain = db.session.query(Domain).one()
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": domain.token}, cname={DOMAIN: TARGET})
    page = jane_client.get("/dashboard/domains").get_data(as_text=True)
    response = jane_client.post(f"/dashboard/domains/{domain.id}/check", data={"csrf_token": csrf_token_from(page)},
                                follow_redirects=True)
    assert f"{DOMAIN} is verified" in response.get_data(as_text=True)


def test_a_domain_whose_record_is_removed_stops_being_verified_at_the_next_periodic_check(dnsmasq, verify, jane):
    domain = verify(jane, DOMAIN)
    dnsmasq.serve(cname={DOMAIN: TARGET})
    assert service.recheck_all() == 1
    db.session.refresh(domain)
    assert domain.verified_at is None


def test_another_tenants_domain_cannot_be_checked_or_removed(jane_client, make_user):
    bob = make_user("bob")
    theirs = service.add_domain(bob, "bob.example.org")
    page = jane_client.get("/dashboard/domains").get_data(as_text=True)
    for action in ("check", "remove"):
        response = jane_client.post(f"/dashboard/domains/{theirs.id}/{action}",
                                    data={"csrf_token": csrf_token_from(page)})
        assert response.status_code == 404
    assert db.session.get(Domain, theirs.id) is not None


def test_removing_without_the_csrf_token_is_refused(jane_client, jane):
    domain = service.add_domain(jane, DOMAIN)
    assert jane_client.post(f"/dashboard/domains/{domain.id}/remove").status_code == 400
    assert db.session.get(Domain, domain.id) is not None


def test_a_verified_domain_stays_served_while_dns_cannot_be_asked(dnsmasq, verify, jane, monkeypatch):
    monkeypatch.setattr(dns_check, "LIFETIME_SECONDS", 0.5)  # the question times out sooner, the same way
    domain = verify(jane, DOMAIN)
    dnsmasq.stop()
    service.check_domain(domain)
    assert domain.verified_at is not None
    assert "could not be asked" in domain.problem


def test_the_periodic_job_and_the_command_check_every_domain_again(dnsmasq, verify, jane, app, runner):
    from profilehost.jobs.domains import recheck_domains

    domain = verify(jane, DOMAIN)
    dnsmasq.serve(cname={DOMAIN: TARGET})
    assert recheck_domains(app) == 1
    db.session.refresh(domain)
    assert domain.verified_at is None
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": domain.token}, cname={DOMAIN: TARGET})
    result = runner.invoke(args=["domains", "check"])
    assert "1 domain(s) checked" in result.output
    db.session.refresh(domain)
    assert domain.verified_at is not None


def test_the_domains_page_needs_a_login(client):
    response = client.get("/dashboard/domains")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_worker_checks_domains_again_every_three_hours(app):
    from datetime import datetime

    from profilehost.jobs.queue import job_queue

    queue = job_queue(app)

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in queue.read_periodic(datetime(2026, 12, 3, hour, minute))}

    assert "recheck_domains" in due(3, 23) and "recheck_domains" in due(21, 23)
    assert "recheck_domains" not in due(3, 24) | due(4, 23)
