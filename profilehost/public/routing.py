"""Which requests are the site's: the host they name, then the first segment of their path, a tenant's name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from ..config import host_name
from ..services.accounts import RESERVED_USERNAMES

_RESERVED = "|".join(re.escape(name) for name in sorted(RESERVED_USERNAMES))
DEFAULT_PORTS = {"http": ":80", "https": ":443"}


class TenantNameConverter(BaseConverter):
    """Letters, digits and hyphens, in any case (the view redirects to the lowercase name), never a reserved name.

    Reserved names are refused by the pattern itself rather than in to_python: Werkzeug gathers a 405's
    allowed methods from every rule whose pattern matches, so `/api/v1/...` must not look like a tenant's page
    or its `Allow` would offer the public view's GET."""

    regex = rf"(?!(?i:{_RESERVED})$)[A-Za-z0-9][A-Za-z0-9-]{{0,30}}[A-Za-z0-9]"


class HostGate:
    """Lets through, before any other work, only requests whose Host is a host name and, when the site's names are
    configured (PROFILEHOST_SERVER_NAME), one of them; the others are answered 400.

    A request let through names its host in one spelling (lowercase, no trailing dot, no default port): the page
    cache keys on it and pages write it into their canonical URLs, so a client's spelling must not make a new
    entry. With names configured, only they can reach the cache; without, the cache's byte budget is the bound."""

    def __init__(self, wsgi_app: Callable, server_names: tuple[str, ...]) -> None:
        self.wsgi_app = wsgi_app
        self.server_names = server_names
        self._accepted = {scheme: frozenset(name.removesuffix(port) for name in server_names)
                          for scheme, port in DEFAULT_PORTS.items()}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = self._host(environ)
        if host is None:
            return self._refusal()(environ, start_response)
        environ["HTTP_HOST"] = host
        return self.wsgi_app(environ, start_response)

    def _host(self, environ: dict) -> str | None:
        scheme = environ.get("wsgi.url_scheme")
        if scheme not in DEFAULT_PORTS:
            return None
        given = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        host = host_name(given)
        if host is None:
            return None
        host = host.removesuffix(DEFAULT_PORTS[scheme])
        if self.server_names and host not in self._accepted[scheme]:
            return None
        return host

    def _refusal(self) -> Response:
        if self.server_names:
            message = (f"This server answers only for {', '.join(self.server_names)}; the request named another "
                       "host. Use one of these addresses.")
        else:
            message = "The request's Host header is not a host name (such as profiles.example.org)."
        return Response(message + "\n", 400, mimetype="text/plain",
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
