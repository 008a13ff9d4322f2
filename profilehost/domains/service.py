"""A researcher's domains: claim, check by DNS, remove; and what the public side asks of them.

A claim proves nothing, so it blocks nobody: several accounts may claim one name, each with its own TXT token, and
the one whose token DNS shows is verified. Only a verified name belongs to one tenant (the partial unique index of
models.Domain). A claim left unverified expires, so that stale ones do not pile up.

Whether a domain is served changes what the tenant's pages say (their canonical address, their links), so every
change of it bumps the tenant's site_version in the same transaction: no cached page outlives it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AccountState, User, utcnow
from ..services import site_versions
from . import dns_check
from .models import Domain
from .names import DomainError, domain_name

MAX_DOMAINS = 4
# Long enough to reach a DNS provider and wait out its caches; a claim is removed when still unverified then.
PENDING_DAYS = 7


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
    if db.session.scalar(select(Domain.id).where(Domain.user_id == tenant.id, Domain.name == name)) is not None:
        raise _yours_already(name)
    domain = Domain(user_id=tenant.id, name=name, token=secrets.token_urlsafe(24), expires_at=_pending_until())
    db.session.add(domain)
    try:
        db.session.commit()
    except IntegrityError:  # the same name added twice at once: only the (user, name) constraint can be hit
        db.session.rollback()
        raise _yours_already(name) from None
    return domain


_TAKEN = ("{name} is verified by another account here, whose TXT token DNS also shows. If the name is yours, "
          "keep only your own TXT record, then check again.")


def _yours_already(name: str) -> DomainError:
    return DomainError(f"Domain: {name} is already one of your domains.", 409)


def _verified_elsewhere(tenant_id: int, name: str) -> Domain | None:
    return db.session.scalar(select(Domain).where(
        Domain.name == name, Domain.user_id != tenant_id, Domain.verified_at.is_not(None)))


def _pending_until():
    return utcnow() + timedelta(days=PENDING_DAYS)


def refuse_without_names() -> None:
    """Adding and verifying are refused while the site does not know its own names: the HostGate could not tell a
    domain from them, and would serve the whole app (its sign-in too) at the researcher's name."""
    if not serves_domains():
        raise DomainError("Domains are off on this site: its operator has to set PROFILEHOST_SERVER_NAME (the "
                          "site's own host names) first.", 503)


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
    domain_id, tenant_id, name, token = domain.id, domain.user_id, domain.name, domain.token
    db.session.rollback()  # no transaction stays open while DNS servers answer, which can take seconds
    finding = dns_check.check(name, token, cname_target(), config["DOMAIN_ADDRESSES"],
                              dns_check.resolver(config["DNS_RESOLVER"]))
    holder = _verified_elsewhere(tenant_id, name) if finding.verified else None
    if holder is not None:
        # Whoever's token DNS shows holds the name: the holder's claim is asked about again now, not at the next
        # periodic check, and ends if their token is gone.
        check_domain(holder)
    found = db.session.get(Domain, domain_id)
    if found is None:
        return None
    domain = found
    verified = finding.verified
    problem = finding.problem
    if verified and _verified_elsewhere(tenant_id, name) is not None:
        verified, problem = False, _TAKEN.format(name=name)
    if finding.conclusive and verified != (domain.verified_at is not None):
        site_versions.claim(db.session, domain.user_id)
        domain.verified_at = utcnow() if verified else None
        domain.expires_at = None if verified else _pending_until()
    domain.checked_at = utcnow()
    domain.problem = problem
    try:
        db.session.commit()
    except IntegrityError:  # another account's claim was verified between the question and this answer
        db.session.rollback()
        return _refused_as_taken(domain_id, name)
    return domain


def _refused_as_taken(domain_id: int, name: str) -> Domain | None:
    domain = db.session.get(Domain, domain_id)
    if domain is not None:
        domain.checked_at = utcnow()
        domain.problem = _TAKEN.format(name=name)
        db.session.commit()
    return domain


def recheck_all() -> int:
    """Every domain checked again (the periodic job): one that stopped pointing here stops being served; a claim
    still unverified when it expires is removed."""
    ids = list(db.session.scalars(select(Domain.id).order_by(Domain.id)))
    for domain_id in ids:
        domain = db.session.get(Domain, domain_id)
        if domain is not None:
            check_domain(domain)
    remove_expired_claims()
    return len(ids)


def remove_expired_claims() -> None:
    db.session.execute(delete(Domain).where(Domain.verified_at.is_(None), Domain.expires_at < utcnow()))
    db.session.commit()


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
    """Caddy's question before it asks for a certificate: a verified domain of an account whose pages are up, on
    a site that knows its own names (without them the HostGate would serve the whole app at the domain)."""
    if not serves_domains():
        return False
    found = db.session.execute(
        select(Domain.id).join(User, User.id == Domain.user_id)
        .where(Domain.name == name, Domain.verified_at.is_not(None), User.public_state == AccountState.ACTIVE)
    ).first()
    return found is not None


def served_domains(tenant_ids: list[int]) -> dict[int, str]:
    """Each tenant's served domain (its first verified one, as in public.tenant_heads.TENANT_HEAD_SQL), for pages
    listing many tenants (the sitemap index)."""
    # Newest first, so that the oldest verified domain is the one left in the dictionary.
    rows = db.session.execute(
        select(Domain.user_id, Domain.name).where(Domain.user_id.in_(tenant_ids), Domain.verified_at.is_not(None))
        .order_by(Domain.id.desc()))
    return dict(rows.all())
