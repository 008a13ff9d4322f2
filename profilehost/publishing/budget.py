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
import time
from collections.abc import Iterator
from contextlib import contextmanager

# A 1 MiB page of ordinary Markdown renders in about 4 s on a 2-core CI machine.
RENDER_CPU_SECONDS = 15.0
# A site's YAML file (its _config.yml, a data file, its menu), read on its own: a 1 MiB one reads in well under 1 s.
YAML_CPU_SECONDS = 5.0


class OutOfTime(Exception):
    """The render used up its CPU budget."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """OutOfTime once the block has used `seconds` of CPU. Inside another budget, the stricter of the two applies,
    and the outer one goes on counting from what the block used."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, _interval = signal.getitimer(signal.ITIMER_VIRTUAL)
    if outer and outer <= seconds:
        yield  # the outer budget ends first: it is this block's too
        return

    def expire(_signum, _frame):
        raise OutOfTime

    previous = signal.signal(signal.SIGVTALRM, expire)
    started = time.process_time()
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        left = outer - (time.process_time() - started) if outer else 0
        # An outer budget already spent expires at once (a timer of 0 would switch it off instead).
        signal.setitimer(signal.ITIMER_VIRTUAL, max(left, 1e-6) if outer else 0)
        signal.signal(signal.SIGVTALRM, previous)
