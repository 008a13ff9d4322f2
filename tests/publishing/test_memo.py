"""A memo shared by every tenant holds what it is allowed to in bytes, whatever the tenants' pages make."""

from profilehost.publishing.memo import MISSING, BoundedMemo, weight


def test_the_least_recently_used_entries_go_first_when_the_bytes_run_out():
    memo = BoundedMemo(max_bytes=3 * weight("k1", "x" * 1000), max_entry_bytes=10_000)
    for key in ("k1", "k2", "k3"):
        memo.remembered(key, lambda: "x" * 1000)
    memo.get("k1")  # used: k2 is now the oldest
    memo.remembered("k4", lambda: "x" * 1000)
    assert memo.get("k2") is MISSING
    assert all(memo.get(key) is not MISSING for key in ("k1", "k3", "k4"))


def test_an_entry_larger_than_allowed_is_computed_but_not_kept():
    memo = BoundedMemo(max_bytes=1_000_000, max_entry_bytes=5_000)
    assert memo.remembered("big", lambda: "x" * 10_000) == "x" * 10_000
    assert memo.get("big") is MISSING


def test_strings_weigh_what_python_stores_four_bytes_a_character_past_the_basic_plane():
    assert weight("😀" * 1000) > 4 * 1000 > weight("a" * 1000) > 1000
    assert weight(("a" * 1000, "b" * 1000)) >= 2000
