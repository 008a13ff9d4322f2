"""Failed logins are throttled per (address, username) and per address, never per username alone: a stranger's
wrong passwords cannot lock the owner out."""

from __future__ import annotations

from profilehost.auth import views as auth_views
from support import PASSWORD, csrf_token_from

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
# More than any per-minute limit for one name allows, so the stranger is throttled before they stop.
STRANGERS_GUESSES = 12


def log_in_from(client, address: str, username: str, password: str):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    return client.post("/login", data={"csrf_token": csrf_token_from(page), "username": username,
                                       "password": password}, environ_base={"REMOTE_ADDR": address})


def failed_logins_allowed(limit: str) -> int:
    """The per-minute count of a limit string such as '5 per minute' or '20 per minute; 100 per hour'."""
    return int(limit.split(";")[0].split()[0])


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(make_client, make_user):
    make_user("alice")
    attacker = make_client()
    statuses = {log_in_from(attacker, ATTACKER, "alice", f"guess {n}").status_code for n in range(STRANGERS_GUESSES)}
    assert statuses == {401, 429}
    assert log_in_from(make_client(), OWNER, "alice", PASSWORD).status_code == 302


def test_an_admin_is_not_locked_out_by_a_stranger(make_client, make_user):
    make_user("dean", admin=True)
    attacker = make_client()
    for n in range(STRANGERS_GUESSES):
        log_in_from(attacker, ATTACKER, "dean", f"guess {n}")
    assert log_in_from(make_client(), OWNER, "dean", PASSWORD).status_code == 302


def test_wrong_passwords_for_one_name_from_one_address_are_throttled(make_client, make_user):
    make_user("alice")
    attacker = make_client()
    allowed = failed_logins_allowed(auth_views.FAILED_LOGINS_PER_ADDRESS_AND_NAME)
    statuses = [log_in_from(attacker, ATTACKER, "ALICE " if n % 2 else "alice", f"guess {n}").status_code
                for n in range(allowed + 1)]
    assert statuses == [401] * allowed + [429]
    assert log_in_from(attacker, ATTACKER, "alice", PASSWORD).status_code == 429


def test_wrong_passwords_for_many_names_from_one_address_are_throttled(make_client, make_user):
    allowed = failed_logins_allowed(auth_views.FAILED_LOGINS_PER_ADDRESS)
    attacker = make_client()
    statuses = [log_in_from(attacker, ATTACKER, f"name-{n}", "a guess at it").status_code for n in range(allowed + 1)]
    assert statuses == [401] * allowed + [429]


def test_one_ipv6_network_is_one_address(make_client, make_user):
    allowed = failed_logins_allowed(auth_views.FAILED_LOGINS_PER_ADDRESS)
    attacker = make_client()
    statuses = [log_in_from(attacker, f"2001:db8:1:2::{n + 1:x}", f"name-{n}", "a guess").status_code
                for n in range(allowed + 1)]
    assert statuses[-1] == 429
    assert log_in_from(make_client(), "2001:db8:1:3::1", "name-0", "a guess").status_code == 401

