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

from ..publishing.memo import MISSING, BoundedMemo, weight

LARGEST_ENTRY_SHARE = 8
# The entry object, its key's tuple and the dictionary's bookkeeping, on top of the strings weighed.
ENTRY_OVERHEAD = 512


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
