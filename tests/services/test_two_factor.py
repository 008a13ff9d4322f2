"""services.two_factor: enrolment, codes accepted once, recovery codes, the operator's reset."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pyotp
import pytest

from profilehost.extensions import db
from profilehost.models import RecoveryCode
from profilehost.services import audit, two_factor


def code_at(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_from_now))


@pytest.fixture
def enrolled(make_user):
    """A user with two-factor sign-in on, their secret, and their recovery codes."""
    user = make_user("alice")
    secret = two_factor.new_secret()
    codes = two_factor.enable(user, secret, code_at(secret))
    return user, secret, codes


def test_enabling_needs_a_code_of_the_secret_and_leaves_the_account_as_it_was_otherwise(make_user):
    user = make_user("alice")
    secret = two_factor.new_secret()
    with pytest.raises(two_factor.TwoFactorError) as refused:
        two_factor.enable(user, secret, code_at(two_factor.new_secret()))
    assert refused.value.field == "code"
    db.session.rollback()
    assert user.totp_secret is None and RecoveryCode.query.count() == 0


def test_enabling_gives_ten_recovery_codes_stored_only_as_hashes(enrolled):
    user, secret, codes = enrolled
    assert user.totp_secret == secret
    assert len(codes) == len(set(codes)) == 10
    stored = {row.code_hash for row in RecoveryCode.query.filter_by(user_id=user.id)}
    assert len(stored) == 10 and not stored & set(codes)
    assert [event.action for event in audit.events(target="alice")] == ["account.two_factor_on"]


def test_enabling_twice_is_refused(enrolled):
    user, secret, _codes = enrolled
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.enable(user, secret, code_at(secret, 1))


def test_a_code_of_the_next_step_signs_in_once(enrolled):
    user, secret, _codes = enrolled
    code = code_at(secret, 1)
    assert two_factor.check_sign_in_code(user, code) == "app"
    assert two_factor.check_sign_in_code(user, code) is None


def test_the_code_used_to_enrol_cannot_sign_in(make_user):
    user = make_user("alice")
    secret = two_factor.new_secret()
    code = code_at(secret)
    two_factor.enable(user, secret, code)
    assert two_factor.check_sign_in_code(user, code) is None


def test_a_code_older_than_the_last_one_accepted_is_refused(enrolled):
    user, secret, _codes = enrolled
    assert two_factor.check_sign_in_code(user, code_at(secret, 1)) == "app"
    assert two_factor.check_sign_in_code(user, code_at(secret, 0)) is None


@pytest.mark.parametrize("steps", [-3, 3])
def test_codes_far_from_now_are_refused(make_user, steps):
    user = make_user("alice")
    secret = two_factor.new_secret()
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.enable(user, secret, code_at(secret, steps))


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "aaaa-bbbb-cccc-dddd", "x" * 40])
def test_malformed_or_wrong_codes_are_refused(enrolled, typed):
    user, _secret, _codes = enrolled
    assert two_factor.check_sign_in_code(user, typed) is None


def test_a_recovery_code_signs_in_once_in_any_case_and_spacing(enrolled):
    user, _secret, codes = enrolled
    typed = codes[3].upper().replace("-", " ")
    assert two_factor.check_sign_in_code(user, typed) == "recovery"
    assert two_factor.check_sign_in_code(user, codes[3]) is None
    assert two_factor.recovery_codes_left(user) == 9


def test_a_recovery_code_belongs_to_its_owner_only(enrolled, make_user):
    _user, _secret, codes = enrolled
    bob = make_user("bob")
    bob_secret = two_factor.new_secret()
    two_factor.enable(bob, bob_secret, code_at(bob_secret))
    assert two_factor.check_sign_in_code(bob, codes[0]) is None


def test_disabling_needs_the_password_and_a_code(enrolled):
    user, secret, _codes = enrolled
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.disable(user, "correct horse battery", "000000")
    with pytest.raises(two_factor.FieldError) as refused:
        two_factor.disable(user, "not the password", code_at(secret, 1))
    assert refused.value.field == "password"
    assert two_factor.is_enabled(user)
    two_factor.disable(user, "correct horse battery", code_at(secret, 1))
    assert not two_factor.is_enabled(user) and RecoveryCode.query.count() == 0


def test_the_operators_reset_turns_it_off_and_is_audited(enrolled):
    user, _secret, _codes = enrolled
    two_factor.reset(user)
    assert not two_factor.is_enabled(user) and user.totp_last_step is None
    assert RecoveryCode.query.count() == 0
    event = audit.events(action="account.reset_two_factor")[0]
    assert (event.actor_name, event.target_name) == (audit.CLI_ACTOR, "alice")


def test_the_qr_code_is_an_svg_data_uri_of_the_provisioning_address(make_user):
    user = make_user("alice")
    secret = two_factor.new_secret()
    uri = two_factor.provisioning_uri(user, secret)
    assert uri.startswith("otpauth://totp/profilehost:alice?") and f"secret={secret}" in uri
    data_uri = two_factor.qr_code_data_uri(uri)
    assert data_uri.startswith("data:image/svg+xml")
    svg = unquote(data_uri.split(",", 1)[1])
    assert svg.startswith("<svg") and "QR code" in svg
