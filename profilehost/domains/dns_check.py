"""Does DNS say a domain is this researcher's and points here? Asked of a real resolver with dnspython."""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.resolver

TOKEN_LABEL = "_profilehost"
LIFETIME_SECONDS = 5.0


@dataclass(frozen=True)
class Finding:
    verified: bool
    problem: str | None = None
    # False when DNS gave no answer at all (a timeout, a failing server): that says nothing about the domain, so
    # a verified one stays served until an answer says otherwise.
    conclusive: bool = True


def resolver(address: tuple[str, int] | None) -> dns.resolver.Resolver:
    """The system's resolver, or the one PROFILEHOST_DNS_RESOLVER names (a local dnsmasq in the tests)."""
    if address is None:
        found = dns.resolver.Resolver()
    else:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = [address[0]]
        found.port = address[1]
    found.lifetime = LIFETIME_SECONDS
    return found


def token_name(name: str) -> str:
    return f"{TOKEN_LABEL}.{name}"


def check(name: str, token: str, target: str | None, addresses: tuple[str, ...],
          asker: dns.resolver.Resolver) -> Finding:
    try:
        texts = _answers(asker, token_name(name), "TXT")
        if not any(token in text for text in texts):
            return Finding(False, f"No TXT record {token_name(name)} with the value {token} was found "
                                  "(new records can take an hour to show).")
        if not _points_here(asker, name, target, addresses):
            where = " or ".join(filter(None, [f"a CNAME to {target}" if target else "",
                                              f"A/AAAA records to {', '.join(addresses)}" if addresses else ""]))
            return Finding(False, f"{name} does not point here yet: it needs {where or 'a record pointing here'}.")
    except dns.exception.DNSException as error:
        return Finding(False, f"DNS could not be asked about {name} now ({type(error).__name__}); it is checked "
                              "again later.", conclusive=False)
    return Finding(True)


def _points_here(asker: dns.resolver.Resolver, name: str, target: str | None, addresses: tuple[str, ...]) -> bool:
    if target and target in (value.rstrip(".").lower() for value in _answers(asker, name, "CNAME")):
        return True
    found = {*_answers(asker, name, "A"), *_answers(asker, name, "AAAA")} if addresses else set()
    return bool(found & set(addresses))


def _answers(asker: dns.resolver.Resolver, name: str, kind: str) -> list[str]:
    try:
        answer = asker.resolve(name, kind, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return []
    if answer.rrset is None:
        return []
    if kind == "TXT":
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer.rrset]
    if kind == "CNAME":
        return [record.target.to_text() for record in answer.rrset]
    return [record.address for record in answer.rrset]
