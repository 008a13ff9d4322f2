"""map_on_cores: the same list as a loop, whether the work is shared with forked processes or not."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from profilehost.publishing import budget, cores


def pid_and_square(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


def refuse_thirteen(number: int) -> int:
    if number == 13:
        raise ValueError("thirteen is refused")
    return number


def spin(number: int) -> int:
    while True:
        number += 1


@pytest.fixture
def two_processes():
    before = cores.processes()
    cores.use_processes(2)
    yield
    cores.use_processes(before)


def test_results_come_back_in_the_items_order_from_more_than_one_process(two_processes):
    results = cores.map_on_cores(pid_and_square, list(range(100)), cpu_seconds=5, min_items=10)
    assert [square for _pid, square in results] == [number * number for number in range(100)]
    assert len({pid for pid, _square in results}) == 2
    assert os.getpid() in {pid for pid, _square in results}  # the caller takes a share itself


def test_too_little_work_for_a_second_process_stays_in_this_one(two_processes):
    results = cores.map_on_cores(pid_and_square, list(range(19)), cpu_seconds=5, min_items=10)
    assert {pid for pid, _square in results} == {os.getpid()}


def test_one_process_configured_forks_nothing():
    before = cores.processes()
    cores.use_processes(1)
    try:
        results = cores.map_on_cores(pid_and_square, list(range(200)), cpu_seconds=5, min_items=1)
    finally:
        cores.use_processes(before)
    assert {pid for pid, _square in results} == {os.getpid()}


def test_off_the_main_thread_nothing_is_forked(two_processes):
    results = []
    worker = threading.Thread(target=lambda: results.extend(
        cores.map_on_cores(pid_and_square, list(range(100)), cpu_seconds=5, min_items=10)))
    worker.start()
    worker.join()
    assert [square for _pid, square in results] == [number * number for number in range(100)]
    assert {pid for pid, _square in results} == {os.getpid()}


def test_an_error_in_a_childs_share_reaches_the_caller(two_processes):
    # 13 is dealt to the second share (odd numbers), which a child works through.
    with pytest.raises(ValueError, match="thirteen is refused"):
        cores.map_on_cores(refuse_thirteen, list(range(40)), cpu_seconds=5, min_items=10)


def test_a_child_that_spends_its_cpu_budget_is_stopped_and_the_caller_told(two_processes):
    with pytest.raises(budget.OutOfTime):
        cores.map_on_cores(spin_odd, list(range(40)), cpu_seconds=0.3, min_items=10)


def spin_odd(number: int) -> int:
    return spin(number) if number % 2 else number


def marked(number: int) -> tuple[int, bool]:
    return number, CHILD_MARK["set"]


CHILD_MARK = {"set": False}


def test_what_the_app_asks_runs_first_in_every_child(two_processes):
    def mark() -> None:
        CHILD_MARK["set"] = True

    cores.in_each_child(mark)
    try:
        results = cores.map_on_cores(marked, list(range(40)), cpu_seconds=5, min_items=10)
    finally:
        cores._IN_CHILD.remove(mark)
    assert [number for number, _mark in results] == list(range(40))
    assert {mark for number, mark in results if number % 2} == {True}  # the child's share
    assert {mark for number, mark in results if number % 2 == 0} == {False}  # the caller's own


SERVER_PROCESS = """
import signal, sys
sys.path.insert(0, {tests!r})
from publishing.test_cores import refuse_thirteen
from profilehost.publishing import cores

# As gunicorn's sync worker: SIGTERM only noted, and system calls not interrupted by it.
signal.signal(signal.SIGTERM, lambda *_: None)
signal.siginterrupt(signal.SIGTERM, False)
cores.use_processes(2)
for _ in range(25):
    assert cores.map_on_cores(abs, list(range(-40, 0)), cpu_seconds=5, min_items=10) == list(range(40, 0, -1))
    try:
        cores.map_on_cores(refuse_thirteen, list(range(40)), cpu_seconds=5, min_items=10)
    except ValueError:
        pass
print("done")
"""


def test_a_server_process_that_only_notes_sigterm_still_stops_its_children():
    import subprocess
    import sys
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1])
    server = subprocess.Popen([sys.executable, "-c", SERVER_PROCESS.format(tests=tests)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=Path(tests).parent, start_new_session=True)
    try:
        output, errors = server.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the server and the children it could not stop
        server.communicate()
        pytest.fail("the server process hung stopping its pool")
    assert output.strip() == "done", errors
