"""A CPU budget inside another: the stricter applies, and the outer one goes on counting after the inner ends."""

from __future__ import annotations

import signal
import time

import pytest

from profilehost.publishing import PublishError, budget, load_yaml_document


def spin(seconds: float) -> None:
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass


def test_a_stricter_budget_inside_another_stops_its_block_and_gives_the_outer_one_back():
    with budget.cpu_budget(30):
        with pytest.raises(budget.OutOfTime):
            with budget.cpu_budget(0.05):
                spin(5)
        left, _ = signal.getitimer(signal.ITIMER_VIRTUAL)
        assert 29 < left < 30
    assert signal.getitimer(signal.ITIMER_VIRTUAL)[0] == 0


def test_the_outer_budget_counts_what_an_inner_block_used():
    with pytest.raises(budget.OutOfTime):
        with budget.cpu_budget(0.3):
            with budget.cpu_budget(5):  # looser: the outer one ends first
                spin(0.2)
            spin(5)


def test_a_site_yaml_file_that_takes_too_long_to_read_is_refused_naming_it(monkeypatch):
    monkeypatch.setattr(budget, "YAML_CPU_SECONDS", 0.01)
    big = "".join(f"key{number}: [a, b, {{c: d}}]\n" for number in range(40_000)).encode()
    with pytest.raises(PublishError, match=r"_data/big.yml: reading this file takes more than 0.01 s"):
        load_yaml_document(big, "_data/big.yml")
