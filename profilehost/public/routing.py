"""Which requests are the site's: the host they name, then the first segment of their path, a tenant's name.

Three kinds of origin serve tenants' sites. The app's own names serve them under /<username>/ unless a content
origin is configured (PROFILEHOST_PAGES_HOST), which then serves them at the same paths, never with a cookie. A
researcher's verified domain serves one site at its root: the HostGate turns its /about/ into /<username>/about/
so the views see one kind of path, and `rebased` turns that site's links back when the response is made. Where a
tenant's site lives is one rule, `tenant_base_url`; any other origin answers 301 there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from ..config import host_name
from ..services.accounts import RESERVED_USERNAMES, USERNAME_PATTERN

_RESERVED = "|".join(re.escape(name) for name in sorted(RESERVED_USERNAMES))
DEFAULT_PORTS = {"http": ":80", "https": ":443"}
logger = logging.getLogger(__name__)
ORIGIN = "profilehost.origin"
# Paths a content origin serves as the app does: the theme's own files, and robots.txt naming its sitemap.
SHARED_PATHS = ("/static/", "/theme/")
SHARED_FILES = ("/robots.txt",)
CADDY_ASK = "/caddy/ask"
# What a path keeps unquoted when it is written back into a Location header.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
# Responses whose links name the tenant's path prefix; a file (an image, a PDF) is sent as stored.
REBASED_TYPES = ("text/html", "application/xml", "application/atom+xml", "application/rss+xml", "text/xml",
                 "application/json", "application/ld+json")


class TenantNameConverter(BaseConverter):
    """Letters, digits and hyphens, in any case (the view redirects to the lowercase name), never a reserved name.

    Reserved names are refused by the pattern itself rather than in to_python: Werkzeug gathers a 405's
    allowed methods from every rule whose pattern matches, so `/api/v1/...` must not look like a tenant's page
    or its `Allow` would offer the public view's GET."""

    regex = rf"(?!(?i:{_RESERVED})$)(?i:{USERNAME_PATTERN})"


@dataclass(frozen=True)
class Origin:
    """The origin a request came to. `content`: the pages host or a domain, where no cookie is read or set;
    `tenant`: the username whose site a domain serves at its root."""

    host: str
    content: bool = False
    tenant: str | None = None

    def prefix(self, username: str) -> str:
        return "" if self.tenant else f"/{username}"


def request_origin(environ: dict) -> Origin:
    return environ.get(ORIGIN) or Origin(environ["HTTP_HOST"])


def tenant_base_url(environ: dict, username: str, domain: str | None, pages_host: str | None) -> str:
    """THE rule of where a tenant's site lives: its verified domain's root, else /<username> on the content
    origin, else on the host the request came to (the site's own names, or whatever it is served as)."""
    scheme = environ["wsgi.url_scheme"]
    if domain:
        return f"{scheme}://{domain}"
    return f"{scheme}://{pages_host or environ['HTTP_HOST']}/{username}"


def request_base_url(environ: dict, username: str) -> str:
    """Where this request found the tenant's site: equal to tenant_base_url when it came to the right place."""
    return f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{request_origin(environ).prefix(username)}"


def misplaced(environ: dict, username: str, domain: str | None, pages_host: str | None,
              subpath: str) -> str | None:
    """The address a request for a tenant's path belongs at, when it is not where it came (a 301 there)."""
    there = tenant_base_url(environ, username, domain, pages_host)
    if there == request_base_url(environ, username):
        return None
    query = environ.get("QUERY_STRING")
    return f"{there}/{subpath}" + (f"?{query}" if query else "")


def rebased(response: Response, environ: dict, username: str) -> Response:
    """A response made with the tenant's /<username> prefix, as a domain that serves the site at its root sends
    it: links, canonical and feed URLs, and a redirect's Location lose the prefix. Stored pages keep the prefix
    (the pipeline writes it once, for every origin); only here does an origin change it."""
    origin = request_origin(environ)
    if origin.tenant is None:
        return response
    prefix = f"/{username}"
    root = f"{environ['wsgi.url_scheme']}://{origin.host}"
    if "Location" in response.headers:
        response.headers["Location"] = _without_prefix(response.headers["Location"], prefix, root)
    if response.mimetype in REBASED_TYPES and not response.direct_passthrough:
        body = response.get_data(as_text=True)
        body = body.replace(f"{root}{prefix}/", f"{root}/")
        response.set_data(_without_attribute_prefix(body, prefix))
        if "ETag" in response.headers:
            response.add_etag(overwrite=True)
    return response


def _without_prefix(location: str, prefix: str, root: str) -> str:
    # Always absolute: '/<username>//evil.example' without its prefix would be a link to another site.
    for start, kept in ((root + prefix, root), (prefix, root)):
        if location == start or location.startswith(start + "/"):
            return kept + (location[len(start):] or "/")
    return location


TAG = re.compile(r"<[a-zA-Z][^<>]*>")


def _without_attribute_prefix(html: str, prefix: str) -> str:
    # Root-relative addresses inside tags only: a text node holding the same characters (a code sample) stays as
    # written, since the sanitizer's output has no '<' in text. An address a tag hides from this pattern (an
    # attribute value with '>') still works: the HostGate sends /<username>/x on a domain to /x.
    # Not before a second '/' or a '\\': '/<username>//evil.example' must not become a link to another site.
    attribute = re.compile(rf'(\s(?:href|src|action|poster)="){re.escape(prefix)}/(?![/\\\\])')
    return TAG.sub(lambda tag: attribute.sub(r"\1/", tag.group(0)), html)


class HostGate:
    """Lets through, before any other work, only requests whose Host is a host name and, when the site's names are
    configured (PROFILEHOST_SERVER_NAME), one of them, the content origin (PROFILEHOST_PAGES_HOST) or a verified
    domain (`domain_tenant`, one indexed lookup); the others are answered 400. Caddy's ask, from the proxy in
    front, is let through whatever host it names: it answers only whether a domain may have a certificate.

    A request let through names its host in one spelling (lowercase, no trailing dot, no default port): the page
    cache keys on it and pages write it into their canonical URLs, so a client's spelling must not make a new
    entry. With names configured, only they, the content origin and verified domains can reach the cache;
    without, the cache's byte budget is the bound (and no domain is looked up: every other host is the app's).

    On a content origin the request's cookies are dropped and no response may set one: a session for the app's
    names is never read there, whatever the browser sends."""

    def __init__(self, wsgi_app: Callable, server_names: tuple[str, ...], pages_host: str | None = None,
                 domain_tenant: Callable[[str], str | None] | None = None,
                 reserved: frozenset[str] = frozenset()) -> None:
        self.wsgi_app = wsgi_app
        self.server_names = server_names
        self.pages_host = pages_host
        self.domain_tenant = domain_tenant
        self.reserved = reserved
        self._accepted = {scheme: frozenset(name.removesuffix(port) for name in server_names)
                          for scheme, port in DEFAULT_PORTS.items()}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = self._host(environ)
        if host is None:
            return self._refusal()(environ, start_response)
        environ["HTTP_HOST"] = host
        try:
            origin = self._origin(host, environ["wsgi.url_scheme"])
        except Exception:  # noqa: BLE001 - the domain lookup's database cannot answer now: neither can the site
            logger.warning("domain lookup failed", exc_info=True)
            return _plain("The site cannot answer now; please try again in a minute.", 503)(environ, start_response)
        if environ.get("PATH_INFO") == CADDY_ASK and (origin is None or not origin.content):
            # The proxy asks from its own side, under whatever host it is given; on a content origin the path is
            # the site's like any other (and gets that origin's headers).
            return self.wsgi_app(environ, start_response)
        if origin is None:
            return self._refusal()(environ, start_response)
        if not origin.content:
            return self.wsgi_app(environ, start_response)
        environ[ORIGIN] = origin
        environ.pop("HTTP_COOKIE", None)

        def start_content(status: str, headers: list, exc_info=None):
            return start_response(status, _content_headers(headers, origin), exc_info)

        answer = self._content_path(environ, origin)
        return (answer or self.wsgi_app)(environ, start_content)

    def _host(self, environ: dict) -> str | None:
        scheme = environ.get("wsgi.url_scheme")
        if scheme not in DEFAULT_PORTS:
            return None
        given = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        host = host_name(given)
        return None if host is None else host.removesuffix(DEFAULT_PORTS[scheme])

    def _origin(self, host: str, scheme: str) -> Origin | None:
        if host == self.pages_host:
            return Origin(host, content=True)
        if not self.server_names or host in self._accepted[scheme]:
            return Origin(host)
        tenant = self.domain_tenant(host) if self.domain_tenant is not None and ":" not in host else None
        return Origin(host, content=True, tenant=tenant) if tenant else None

    def _content_path(self, environ: dict, origin: Origin) -> Response | None:
        """Rewrites a domain's path to its tenant's; answers itself what a content origin does not serve."""
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(SHARED_PATHS) or path in SHARED_FILES:
            return None
        if origin.tenant is None:
            first = path.split("/", 2)[1]
            return None if first == "sitemap.xml" or (first and first.lower() not in self.reserved) else _not_here()
        own = f"/{origin.tenant}"
        if path == own or path.startswith(own + "/"):
            # An address with the prefix (an old link, one the rewriting missed) goes to the domain's own.
            # Absolute on this origin: a relative '//evil.example' left of the prefix would leave the site.
            query = environ.get("QUERY_STRING")
            location = (f"{environ['wsgi.url_scheme']}://{origin.host}{quote(path[len(own):] or '/', safe=PATH_SAFE)}"
                        + (f"?{query}" if query else ""))
            return Response(status=301, headers={"Location": location, "Cache-Control": "public, max-age=3600"})
        environ["PATH_INFO"] = own + path
        return None

    def _refusal(self) -> Response:
        if self.server_names:
            message = (f"This server answers only for {', '.join(self.server_names)}; the request named another "
                       "host. Use one of these addresses.")
        else:
            message = "The request's Host header is not a host name (such as profiles.example.org)."
        return _plain(message, 400)


def _content_headers(headers: list[tuple[str, str]], origin: Origin) -> list[tuple[str, str]]:
    """No cookie; and on a researcher's domain, HSTS for that name alone: the site's includeSubDomains would
    force HTTPS on every other name under the researcher's domain, which is theirs, not the site's."""
    kept = [(name, value) for name, value in headers if name.lower() != "set-cookie"]
    if origin.tenant is None:
        return kept
    return [(name, value.replace("; includeSubDomains", "") if name.lower() == "strict-transport-security" else value)
            for name, value in kept]


def _not_here() -> Response:
    return _plain("Accounts, sign-in and the dashboard are on the site's own address, not on this one.", 404)


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status, mimetype="text/plain",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
