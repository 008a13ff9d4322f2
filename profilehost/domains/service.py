"""A researcher's domains: add (one domain, one tenant), check by DNS, remove; and what the public side asks of them.

Whether a domain is served changes what the tenant's pages say (their canonical address, their links), so every
change of it bumps the tenant's site_version in the same transaction: no cached page outlives it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AccountState, User, utcnow
from ..services import site_versions
from . import dns_check
from .models import Domain
from .names import DomainError, domain_name

MAX_DOMAINS = 4


@dataclass(frozen=True)
class Record:
    kind: str
    name: str
    value: str
    why: str


def tenant_domains(tenant: User) -> list[Domain]:
    return list(db.session.scalars(select(Domain).where(Domain.user_id == tenant.id).order_by(Domain.id)))


def add_domain(tenant: User, raw: str) -> Domain:
    name = domain_name(raw, own_hosts())
    if len(tenant_domains(tenant)) >= MAX_DOMAINS:
        raise DomainError(f"Domain: an account can have at most {MAX_DOMAINS} domains; remove one first.")
    holder = db.session.scalar(select(Domain.user_id).where(Domain.name == name))
    if holder is not None:
        raise _taken(name, holder == tenant.id)
    domain = Domain(user_id=tenant.id, name=name, token=secrets.token_urlsafe(24))
    db.session.add(domain)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _taken(name, False) from None
    return domain


def _taken(name: str, own: bool) -> DomainError:
    if own:
        return DomainError(f"Domain: {name} is already one of your domains.", 409)
    return DomainError(f"Domain: {name} belongs to another account here. If it is yours, ask the site's "
                       "administrator.", 409)


def owned_domain(tenant: User, domain_id: int) -> Domain | None:
    return db.session.scalar(select(Domain).where(Domain.id == domain_id, Domain.user_id == tenant.id))


def remove_domain(domain: Domain) -> None:
    if domain.verified_at is not None:
        site_versions.claim(db.session, domain.user_id)
    db.session.delete(domain)
    db.session.commit()


def check_domain(domain: Domain) -> Domain | None:
    """Ask DNS now; a change of whether the domain is served is written with the tenant's version bumped. None:
    the domain was removed while DNS answered."""
    config = current_app.config
    domain_id, name, token = domain.id, domain.name, domain.token
    db.session.rollback()  # no transaction stays open while DNS servers answer, which can take seconds
    finding = dns_check.check(name, token, cname_target(), config["DOMAIN_ADDRESSES"],
                              dns_check.resolver(config["DNS_RESOLVER"]))
    found = db.session.get(Domain, domain_id)
    if found is None:
        return None
    domain = found
    was_verified = domain.verified_at is not None
    if finding.conclusive and finding.verified != was_verified:
        site_versions.claim(db.session, domain.user_id)
        domain.verified_at = utcnow() if finding.verified else None
    domain.checked_at = utcnow()
    domain.problem = finding.problem
    db.session.commit()
    return domain


def recheck_all() -> int:
    """Every domain checked again (the periodic job): one that stopped pointing here stops being served."""
    ids = list(db.session.scalars(select(Domain.id).order_by(Domain.id)))
    for domain_id in ids:
        domain = db.session.get(Domain, domain_id)
        if domain is not None:
            check_domain(domain)
    return len(ids)


def records(domain: Domain) -> list[Record]:
    """The DNS records the researcher creates, exactly as their DNS provider asks for them."""
    shown = [Record("TXT", dns_check.token_name(domain.name), domain.token, "proves the domain is yours")]
    target = cname_target()
    if target:
        shown.append(Record("CNAME", domain.name, target, "points a subdomain (jane.example.org) here"))
    for address in current_app.config["DOMAIN_ADDRESSES"]:
        kind = "AAAA" if ":" in address else "A"
        shown.append(Record(kind, domain.name, address, "points an apex (example.org, which can have no CNAME) here"))
    return shown


def cname_target() -> str | None:
    config = current_app.config
    if config["DOMAIN_TARGET"]:
        return config["DOMAIN_TARGET"]
    first = config["PAGES_HOST"] or next(iter(config["SERVER_NAMES"]), None)
    return first.split(":", 1)[0] if first else None


def serves_domains() -> bool:
    """Only a site that knows its own names can tell a researcher's domain from them (the HostGate)."""
    return bool(current_app.config["SERVER_NAMES"])


def own_hosts() -> tuple[str, ...]:
    config = current_app.config
    return tuple(filter(None, (*config["SERVER_NAMES"], config["PAGES_HOST"])))


def is_servable(name: str) -> bool:
    """Caddy's question before it asks for a certificate: a verified domain of an account whose pages are up."""
    found = db.session.execute(
        select(Domain.id).join(User, User.id == Domain.user_id)
        .where(Domain.name == name, Domain.verified_at.is_not(None), User.public_state == AccountState.ACTIVE)
    ).first()
    return found is not None


def served_domains(tenant_ids: list[int]) -> dict[int, str]:
    """Each tenant's served domain (its first verified one, as in sites.TENANT_HEAD_SQL), for pages listing many
    tenants (the sitemap index)."""
    # Newest first, so that the oldest verified domain is the one left in the dictionary.
    rows = db.session.execute(
        select(Domain.user_id, Domain.name).where(Domain.user_id.in_(tenant_ids), Domain.verified_at.is_not(None))
        .order_by(Domain.id.desc()))
    return dict(rows.all())
