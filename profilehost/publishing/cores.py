"""The CPU work of one save spread over the machine's cores: five hundred citations to format, a list page of
half a megabyte to sanitize.

citeproc-py and bleach are pure Python, so threads would take turns; forked processes run side by side. A fork
shares everything the worker has loaded (the parsed styles, the sanitizer's tables) and costs milliseconds, so it
pays only for work of a few hundred milliseconds, and only that is sent (`map_on_cores`' `min_items`). The
request's own process takes the first share, and each child its own, under a CPU budget of its own.

Forking is done only from the main thread of a process whose other threads cannot be inside the work (gunicorn's
sync workers, the command line, the tests): the same place where budget's CPU timer applies. Elsewhere, with one
core, or with `processes` set to 1, everything runs here, in order, as it always did. The result is the same list
either way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from . import budget

Item = TypeVar("Item")
Result = TypeVar("Result")

# A child is not started for fewer items than this: the fork and the pickles would cost what it saves.
MIN_ITEMS_PER_PROCESS = 32
# What a server process does on these signals (gunicorn's worker only notes a SIGTERM and carries on), a child
# must not inherit: stopping a pool sends its children SIGTERM and waits for them.
SERVER_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1",
                                                          "SIGUSR2", "SIGWINCH", "SIGABRT") if hasattr(signal, name))
_IN_CHILD: list[Callable[[], None]] = []


class _Settings:
    processes = 1  # until the app says how many (config's RENDER_PROCESSES)


def use_processes(count: int) -> None:
    """How many processes one save may keep busy at once (the configuration's RENDER_PROCESSES; 1: no child)."""
    _Settings.processes = max(1, count)


def processes() -> int:
    return _Settings.processes


def in_each_child(callback: Callable[[], None]) -> None:
    """Run `callback` first in every child (the app lets go of the database connections a child inherits)."""
    _IN_CHILD.append(callback)


def map_on_cores(function: Callable[[Item], Result], items: Sequence[Item], *, cpu_seconds: float,
                 min_items: int = MIN_ITEMS_PER_PROCESS) -> list[Result]:
    """[function(item) for item in items], in as many processes as the work fills (each at least `min_items`).
    `function` must be a module's function and the items and results picklable. Raises what `function` raised,
    and budget.OutOfTime when the others' shares take more than `cpu_seconds` of CPU between them (each gets its
    part) or the caller has waited `cpu_seconds` for them: the work costs no more than it would in one process."""
    count = min(_Settings.processes, len(items) // max(min_items, 1))
    if count < 2 or not _can_fork():
        return [function(item) for item in items]
    shares = [list(items[start::count]) for start in range(count)]
    pool = multiprocessing.get_context("fork").Pool(count - 1, initializer=_child_starts)
    try:
        pending = pool.map_async(partial(_share_within_budget, function, cpu_seconds / count), shares[1:])
        own = [function(item) for item in shares[0]]
        others = pending.get(timeout=cpu_seconds)
    except BaseException as error:
        pool.terminate()
        if isinstance(error, multiprocessing.TimeoutError):
            raise budget.OutOfTime from None
        raise
    pool.close()
    pool.join()
    return _interleaved([own, *others], len(items))


def _child_starts() -> None:
    for number in SERVER_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    for callback in _IN_CHILD:
        callback()


def _share_within_budget(function: Callable[[Item], Result], cpu_seconds: float, share: list[Item]) -> list[Result]:
    with budget.cpu_budget(cpu_seconds):
        return [function(item) for item in share]


def _interleaved(shares: list[list[Result]], total: int) -> list[Result]:
    """The shares were dealt like cards (item i to share i % count), so that long and short items spread evenly;
    this puts the results back in the items' order."""
    count = len(shares)
    return [shares[index % count][index // count] for index in range(total)]


def _can_fork() -> bool:
    # A fork copies only the calling thread: another thread holding a lock at that moment leaves it held for ever
    # in the child. The main thread of a single-threaded server is the one place that cannot happen to our work.
    return (hasattr(os, "fork") and threading.current_thread() is threading.main_thread()
            and "fork" in multiprocessing.get_all_start_methods())
