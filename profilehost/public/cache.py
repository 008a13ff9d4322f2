"""A per-process cache of rendered public responses that can never serve a stale one.

Every entry remembers the tenant's `site_version`; every request reads the current version in one indexed
query (which it needs anyway, to know the tenant exists and is active) and uses the entry only if the two
match. Any change to what a tenant's site shows bumps that version in the same transaction, so every
process, on every server, sees the change on its very next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResponse:
    site_version: int
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class ResponseCache:
    def __init__(self, max_entries: int = 4096) -> None:
        self._entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple, site_version: int) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.site_version != site_version:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedResponse) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
