"""Only DNS says whose a domain is: any number of accounts may claim a name, each with a token of its own; the one
whose token DNS shows is verified, and a verified name has one tenant. A claim left unverified expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from profilehost.domains import service
from profilehost.domains.models import Domain
from profilehost.extensions import db
from profilehost.models import utcnow
from support import log_in, post_form

DOMAIN = "jane.example.org"
TARGET = "pages.example.org"  # the conftest's PROFILEHOST_DOMAIN_TARGET


@pytest.fixture
def jane(make_user):
    return make_user("jane")


@pytest.fixture
def mallory(make_user):
    return make_user("mallory")


def dns_shows(dnsmasq, *claims: Domain) -> None:
    """The TXT record holds these claims' tokens (as strings of one record), and the name points here."""
    dnsmasq.serve(txt={f"_profilehost.{DOMAIN}": ",".join(claim.token for claim in claims)}, cname={DOMAIN: TARGET})


def verified(claim: Domain) -> bool:
    db.session.refresh(claim)
    return claim.verified_at is not None


def test_another_accounts_unverified_claim_does_not_stop_the_owner_adding_the_name(make_client, mallory, jane):
    service.add_domain(mallory, DOMAIN)
    client = make_client()
    log_in(client, "jane")
    assert post_form(client, "/dashboard/domains", {"name": "Jane.Example.org."}).status_code == 302
    claims = db.session.query(Domain).filter_by(name=DOMAIN).all()
    assert {claim.user_id for claim in claims} == {mallory.id, jane.id}
    assert claims[0].token != claims[1].token


def test_the_account_whose_token_dns_shows_is_verified_and_the_other_is_not(dnsmasq, mallory, jane):
    squatted = service.add_domain(mallory, DOMAIN)
    own = service.add_domain(jane, DOMAIN)
    dns_shows(dnsmasq, own)
    assert service.check_domain(squatted).verified_at is None
    assert service.check_domain(own).verified_at is not None


def test_a_name_verified_by_another_account_is_refused_at_verification_saying_so(dnsmasq, mallory, jane):
    first = service.add_domain(mallory, DOMAIN)
    second = service.add_domain(jane, DOMAIN)
    dns_shows(dnsmasq, first, second)
    service.check_domain(first)
    refused = service.check_domain(second)
    assert refused.verified_at is None
    assert f"{DOMAIN} is verified by another account here" in refused.problem
    assert verified(first)


def test_a_holder_whose_token_dns_no_longer_shows_loses_the_name_to_the_one_it_shows(dnsmasq, mallory, jane):
    old = service.add_domain(mallory, DOMAIN)
    dns_shows(dnsmasq, old)
    service.check_domain(old)
    new = service.add_domain(jane, DOMAIN)
    dns_shows(dnsmasq, new)
    assert service.check_domain(new).verified_at is not None
    assert not verified(old)


def test_the_database_holds_at_most_one_verified_claim_of_a_name(app, mallory, jane):
    for tenant in (mallory, jane):
        db.session.add(Domain(user_id=tenant.id, name=DOMAIN, token=tenant.username, verified_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_holds_one_claim_of_a_name_per_account(app, jane):
    for token in ("a", "b"):
        db.session.add(Domain(user_id=jane.id, name=DOMAIN, token=token))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_page_says_when_an_unverified_claim_ends(make_client, jane):
    claim = service.add_domain(jane, DOMAIN)
    assert claim.expires_at - utcnow() > timedelta(days=service.PENDING_DAYS) - timedelta(minutes=5)
    client = make_client()
    log_in(client, "jane")
    page = client.get("/dashboard/domains").get_data(as_text=True)
    assert f"Unless it is verified by {claim.expires_at.strftime('%Y-%m-%d %H:%M')} UTC, this" in page


def test_the_periodic_check_removes_expired_unverified_claims_only(dnsmasq, verify, mallory, jane, make_user):
    served = verify(jane, DOMAIN)
    expired = service.add_domain(mallory, DOMAIN)
    fresh = service.add_domain(make_user("bob"), DOMAIN)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    service.recheck_all()
    assert {claim.id for claim in db.session.query(Domain)} == {served.id, fresh.id}


def test_a_domain_that_stops_being_verified_starts_to_expire_and_a_verified_one_never_does(dnsmasq, verify, jane):
    domain = verify(jane, DOMAIN)
    assert domain.expires_at is None
    dnsmasq.serve(cname={DOMAIN: TARGET})
    service.check_domain(domain)
    assert domain.verified_at is None and domain.expires_at > utcnow() + timedelta(days=service.PENDING_DAYS - 1)
