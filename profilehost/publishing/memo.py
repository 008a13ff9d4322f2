"""Remembered results, bounded by the memory they hold.

Every memo of the process is shared by all tenants, and any tenant's page decides what goes in: a bound on the
number of entries alone lets a page whose output is many times its input (highlighted code, entities, astral
characters at four bytes each) fill a worker's memory. A memo here holds at most `max_bytes`, counted as Python
stores the strings, drops the least recently used entries first, and leaves out an entry larger than
`max_entry_bytes` (a tenant can make the memo forget, never make it grow).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MISSING = object()


def weight(*values: object) -> int:
    """What strings, bytes and tuples of them hold in memory."""
    total = 0
    for value in values:
        if isinstance(value, tuple):
            total += weight(*value)
        else:
            total += sys.getsizeof(value)
    return total


class BoundedMemo:
    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return MISSING
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        """`size`: what key and value hold, by `weight` or a bound on it."""
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._bytes -= self._entries.popitem(last=False)[1][1]

    def remembered(self, key: Hashable, compute: Callable[[], object]):
        """The value for `key`, computed and remembered if it is not; strings and bytes are weighed."""
        value = self.get(key)
        if value is MISSING:
            value = compute()
            self.put(key, value, weight(key, value))
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
