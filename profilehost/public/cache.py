"""A per-process cache of rendered public responses that can never serve a stale one, in a fixed budget of memory.

Every entry remembers the tenant's `site_version`; every request reads the current version in one indexed
query (which it needs anyway, to know the tenant exists and is active) and uses the entry only if the two
match. Any change to what a tenant's site shows bumps that version in the same transaction, so every
process, on every server, sees the change on its very next request.

Anyone decides what goes in (any path of any tenant, a 404 for a made-up one), so the cache holds at most
PROFILEHOST_PAGE_CACHE_MB, drops the least recently used entries first, and never keeps a response larger than
an eighth of that: requests can make it forget, never grow. Keys hold the tenant's row id, which is never given
to another account (AUTOINCREMENT on SQLite, sequences on PostgreSQL), and the host in the one spelling the
HostGate lets through.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Response

from ..publishing.memo import MISSING, BoundedMemo, weight

LARGEST_ENTRY_SHARE = 8
# The entry object, its key's tuple and the dictionary's bookkeeping, on top of the strings weighed.
ENTRY_OVERHEAD = 512
# What a cached response keeps of the response it was made from.
CACHED_HEADERS = ("Location", "ETag", "Last-Modified", "Content-Type", "Cache-Control", "Content-Disposition")


@dataclass(frozen=True)
class CachedResponse:
    site_version: int
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class ResponseCache:
    def __init__(self, max_bytes: int) -> None:
        self._memo = BoundedMemo(max_bytes, max_bytes // LARGEST_ENTRY_SHARE)

    def get(self, key: tuple, site_version: int) -> CachedResponse | None:
        entry = self._memo.get(key)
        if entry is MISSING or entry.site_version != site_version:
            return None
        return entry

    def put(self, key: tuple, entry: CachedResponse) -> None:
        self._memo.put(key, entry, weight(key, entry.body, entry.headers) + ENTRY_OVERHEAD)

    def clear(self) -> None:
        self._memo.clear()


def page_cache_key(environ: dict, tenant_id: int, subpath: str, theme_version: str) -> tuple:
    """The one key of a cached public response: the scheme and host it was made for (a page's canonical and
    OpenGraph URLs name its host), the tenant's never-reused row id and the path."""
    return (cache_origin(environ), tenant_id, subpath, theme_version)


def cache_origin(environ: dict) -> str:
    """The HostGate has let through only http or https and a host in one spelling: when names are configured, one
    of them, the content origin or a verified domain, so a client cannot vary it. On a domain the path is already
    the tenant's (/<username>/...), and the origin keeps its entries apart from the same page elsewhere."""
    return f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}"


def freeze(response: Response, site_version: int) -> CachedResponse:
    headers = tuple((name, response.headers[name]) for name in CACHED_HEADERS if name in response.headers)
    return CachedResponse(site_version, response.status_code, response.get_data(), headers)


def answer(cached: CachedResponse, environ: dict, extra_headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """THE answer from a cached response, wherever it is found: its status, body and headers, a 304 (or 412)
    when the request is conditional, no body to a HEAD."""
    response = Response(cached.body, status=cached.status, headers=[*cached.headers, *extra_headers])
    return response.make_conditional(environ)
