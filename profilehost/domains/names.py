"""What a researcher may type as a domain, in the one spelling it is stored and looked up under."""

from __future__ import annotations

import ipaddress

import idna

MAX_NAME = 253


class DomainError(ValueError):
    """A domain that cannot be added or checked; the message says why and what to do. `status` is the HTTP answer
    a form gets (422: the name is not acceptable; 409: the account has it already; 503: domains are off on this
    site)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def domain_name(raw: str, own_hosts: tuple[str, ...]) -> str:
    """The ASCII (IDNA), lowercase form of a name typed as 'Jane.Example.org', 'jane.example.org.' or 'jané.org'.

    `own_hosts` are the site's own names and its content origin: neither they nor a name under them can be
    anyone's domain (a cookie or a certificate for them would then be a tenant's)."""
    given = raw.strip().rstrip(".")
    if not given:
        raise DomainError("Domain: enter a name such as jane.example.org.")
    if any(mark in given for mark in ("/", ":", "@", " ", "?", "#")):
        raise DomainError(f"Domain: {given[:80]!r} is not a bare name: give it without https://, a path or a port "
                          "(jane.example.org).")
    try:
        ipaddress.ip_address(given)
    except ValueError:
        pass
    else:
        raise DomainError("Domain: an IP address cannot be a domain: give a name such as jane.example.org.")
    if len(given) > MAX_NAME:
        raise DomainError(f"Domain: a name has at most {MAX_NAME} characters; this one has {len(given)}.")
    try:
        name = idna.encode(given, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise DomainError(f"Domain: {given[:80]!r} is not a valid domain name ({error}).") from None
    labels = name.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        raise DomainError(f"Domain: {given[:80]!r} is not a full name: it needs a dot and a top-level domain "
                          "(jane.example.org).")
    for host in own_hosts:
        bare = host.split(":", 1)[0]
        if name == bare or name.endswith("." + bare):
            raise DomainError(f"Domain: {name} belongs to this site itself and cannot be an account's domain.")
    return name
