"""A CPU-time budget for rendering one page.

Python-Markdown and html5lib have inputs whose cost grows with the square of their size: a long run of '[', a
tag that is never closed, thousands of attributes. The nesting limits stop the known deep ones cheaply; this
stops the rest, so a page that needs more than RENDER_CPU_SECONDS of CPU is refused instead of holding a worker
for minutes. It uses the process's virtual-time interval timer (SIGVTALRM), so it applies where signals can be
handled: the main thread, where gunicorn's sync workers, the command line and the tests render pages. In a
threaded server there is no budget, and gunicorn's worker timeout is the backstop.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# A 1 MiB page of ordinary Markdown renders in about 4 s on a 2-core CI machine.
RENDER_CPU_SECONDS = 15.0


class OutOfTime(Exception):
    """The render used up its CPU budget."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise OutOfTime

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
