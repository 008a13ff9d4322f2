"""services.two_factor: enrolment (the password, the app's code, the secret kept for the browser that started it), codes
accepted once, recovery codes, the operator's reset."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pyotp
import pytest

from profilehost.extensions import db
from profilehost.models import RecoveryCode
from profilehost.services import audit, two_factor
from support import PASSWORD


def code_at(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_from_now))


def turn_on(user, *, steps: int = 0, password: str = PASSWORD) -> tuple[str, list[str]]:
    """Enrol as a browser does: the secret set up for it, then the password and the app's code."""
    secret = two_factor.enrolment_secret(user, None)
    reference = two_factor.enrolment_reference(secret)
    return secret, two_factor.enable(user, reference, password, code_at(secret, steps))


@pytest.fixture
def enrolled(make_user):
    """A user with two-factor sign-in on, their secret, and their recovery codes."""
    user = make_user("alice")
    secret, codes = turn_on(user)
    return user, secret, codes


def test_enabling_needs_a_code_of_the_secret_and_leaves_the_account_as_it_was_otherwise(make_user):
    user = make_user("alice")
    secret = two_factor.enrolment_secret(user, None)
    with pytest.raises(two_factor.TwoFactorError) as refused:
        two_factor.enable(user, two_factor.enrolment_reference(secret), PASSWORD, code_at(two_factor.new_secret()))
    assert refused.value.field == "code"
    db.session.rollback()
    assert user.totp_secret is None and RecoveryCode.query.count() == 0


def test_enabling_needs_the_password(make_user):
    user = make_user("alice")
    with pytest.raises(two_factor.FieldError) as refused:
        turn_on(user, password="not the password")
    assert refused.value.field == "password" and "still off" in refused.value.message
    assert user.totp_secret is None and RecoveryCode.query.count() == 0


def test_the_secret_being_set_up_is_the_same_for_its_browser_and_new_for_another(make_user):
    user = make_user("alice")
    first = two_factor.enrolment_secret(user, None)
    reference = two_factor.enrolment_reference(first)
    assert first not in reference
    assert two_factor.enrolment_secret(user, reference) == first
    assert two_factor.enrolment_secret(user, "another browser's reference") != first


def test_a_secret_replaced_by_another_browsers_cannot_be_enabled(make_user):
    user = make_user("alice")
    first = two_factor.enrolment_secret(user, None)
    two_factor.enrolment_secret(user, None)  # another browser opens the setup page
    with pytest.raises(two_factor.TwoFactorError, match="replaced by a newer one"):
        two_factor.enable(user, two_factor.enrolment_reference(first), PASSWORD, code_at(first))
    assert user.totp_secret is None


def test_enabling_keeps_no_pending_secret(enrolled):
    user, _secret, _codes = enrolled
    assert user.totp_pending_secret is None


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
        two_factor.enable(user, two_factor.enrolment_reference(secret), PASSWORD, code_at(secret, 1))


def test_a_code_of_the_next_step_signs_in_once(enrolled):
    user, secret, _codes = enrolled
    code = code_at(secret, 1)
    assert two_factor.check_sign_in_code(user, code) == "app"
    assert two_factor.check_sign_in_code(user, code) is None


def test_the_code_used_to_enrol_cannot_sign_in(make_user):
    user = make_user("alice")
    secret = two_factor.enrolment_secret(user, None)
    code = code_at(secret)
    two_factor.enable(user, two_factor.enrolment_reference(secret), PASSWORD, code)
    assert two_factor.check_sign_in_code(user, code) is None


def test_a_code_older_than_the_last_one_accepted_is_refused(enrolled):
    user, secret, _codes = enrolled
    assert two_factor.check_sign_in_code(user, code_at(secret, 1)) == "app"
    assert two_factor.check_sign_in_code(user, code_at(secret, 0)) is None


@pytest.mark.parametrize("steps", [-3, 3])
def test_codes_far_from_now_are_refused(make_user, steps):
    user = make_user("alice")
    with pytest.raises(two_factor.TwoFactorError):
        turn_on(user, steps=steps)


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
    turn_on(bob)
    assert two_factor.check_sign_in_code(bob, codes[0]) is None


def test_disabling_needs_the_password_and_a_code(enrolled):
    user, secret, _codes = enrolled
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.disable(user, PASSWORD, "000000")
    with pytest.raises(two_factor.FieldError) as refused:
        two_factor.disable(user, "not the password", code_at(secret, 1))
    assert refused.value.field == "password"
    assert two_factor.is_enabled(user)
    two_factor.disable(user, PASSWORD, code_at(secret, 1))
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
