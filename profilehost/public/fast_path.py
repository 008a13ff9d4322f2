"""Serve cached public pages before Flask's request machinery, which costs more than the page itself.

Only GET and HEAD for /<username>/<path> whose response the view has cached: the same one indexed query as the
view (username -> id, state, site_version), the same version check, the same headers. Anything else (a miss,
an inactive account, a reserved first segment, a query string) goes to Flask unchanged, so the view stays the
one place that decides what a page is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..models import AccountState
from ..services.accounts import USERNAME_PATTERN
from ..services.assets import SERVED_FOLDERS
from .cache import CachedResponse, ResponseCache, answer, page_cache_key

ASSET_PREFIXES = tuple(f"{folder}/" for folder in SERVED_FOLDERS)
# Lowercase names only: Flask's view redirects any other spelling to it.
TENANT_PATH = re.compile(rf"^/({USERNAME_PATTERN})/(.*)$")


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
        return answer(cached, environ, self.extra_headers)(environ, start_response)

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
