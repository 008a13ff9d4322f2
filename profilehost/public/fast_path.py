"""Serve cached public pages before Flask's request machinery, which costs more than the page itself.

Only GET and HEAD for /<username>/<path> whose response the view has cached: the same one indexed query as the
view (username -> id, state, site_version), the same version check, the same headers. Anything else (a miss,
an inactive account, a reserved first segment, a query string) goes to Flask unchanged, so the view stays the
one place that decides what a page is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request, Response

from ..models import AccountState
from ..services.assets import SERVED_FOLDERS
from .cache import CachedResponse, ResponseCache

ASSET_PREFIXES = tuple(f"{folder}/" for folder in SERVED_FOLDERS)
TENANT_PATH = re.compile(r"^/([a-z0-9][a-z0-9-]{0,30}[a-z0-9])/(.*)$")
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def page_cache_key(environ: dict, tenant_id: int, subpath: str, theme_version: str) -> tuple:
    """The one key of a cached public response, in the view and here: the scheme and host it was made for (a
    page's canonical and OpenGraph URLs name its host), the tenant's never-reused row id and the path."""
    return (cache_origin(environ), tenant_id, subpath, theme_version)


def cache_origin(environ: dict) -> str:
    """The HostGate has let through only http or https and a host in one spelling: when names are configured, one
    of them, the content origin or a verified domain, so a client cannot vary it. On a domain the path is already
    the tenant's (/<username>/...), and the origin keeps its entries apart from the same page elsewhere."""
    return f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}"


class PublicPageFastPath:
    def __init__(self, wsgi_app: Callable, cache: ResponseCache, head_query: Callable, reserved: frozenset[str],
                 theme_version: str, extra_headers: tuple[tuple[str, str], ...]) -> None:
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.head_query = head_query
        self.reserved = reserved
        self.theme_version = theme_version
        self.extra_headers = extra_headers

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        cached = self._cached(environ)
        if cached is None:
            return self.wsgi_app(environ, start_response)
        headers = [*cached.headers, *self.extra_headers, ("Content-Length", str(len(cached.body)))]
        if any(name in environ for name in CONDITIONAL):
            response = Response(cached.body, status=cached.status, headers=headers)
            return response.make_conditional(Request(environ))(environ, start_response)
        # The common case answered without building request or response objects: they cost more than the page.
        start_response(f"{cached.status} {HTTP_STATUS_CODES[cached.status]}", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [cached.body]

    def _cached(self, environ: dict) -> CachedResponse | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        match = TENANT_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or match.group(1) in self.reserved or match.group(2).startswith(ASSET_PREFIXES):
            return None
        try:
            head = self.head_query(match.group(1))
        except Exception:  # noqa: BLE001 - the fast path is only a shortcut: whatever stops it, Flask answers
            # (its view meets the same failure, and errors.py answers 503 for a database that cannot answer now)
            return None
        if head is None or head.state != AccountState.ACTIVE:
            return None
        return self.cache.get(page_cache_key(environ, head.id, match.group(2), self.theme_version),
                              head.site_version)
