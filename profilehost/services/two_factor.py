"""Two-factor sign-in: a TOTP secret (RFC 6238, as authenticator apps use it) and ten single-use recovery codes.

A code is accepted once: the time step of the last accepted code is kept, and a code of that step or an earlier one
is refused, so a code read over a shoulder or from a proxy log cannot be used again within its 30 seconds. Both
claims (a time step, a recovery code) are one conditional UPDATE, so two requests racing with the same code cannot
both win.

Enrolment asks for the password as well as a code, so a session left open (or stolen) cannot tie the account to
someone else's app. The secret being set up stays on the user's row until confirmed; the browser that started the
enrolment holds only a digest of it (`enrolment_reference`), so another browser of the same account, which gets a
secret of its own, neither sees this one nor finishes this enrolment.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..mail import notices
from ..models import RecoveryCode, User, utcnow
from . import audit
from .accounts import confirm_password
from .errors import FieldError

ISSUER = "profilehost"
RECOVERY_CODE_COUNT = 10
# 16 characters of base32 (80 bits): stored as a plain SHA-256 like API tokens, which is safe only for a secret
# too long to guess offline; grouped by four so it can be copied by hand.
RECOVERY_CODE_LENGTH = 16
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
# A phone's clock may be a little off: the step before and the step after the current one are accepted too.
STEPS_OF_DRIFT = 1
CODE_PATTERN = re.compile(r"[0-9]{6}")


class TwoFactorError(FieldError):
    """A refused code or enrolment; `field` names the form field the message belongs to."""


def is_enabled(user: User) -> bool:
    return user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_reference(secret: str) -> str:
    """What the browser keeps of the secret it is setting up: a digest, which does not give the secret away."""
    return hashlib.sha256(secret.encode()).hexdigest()


def enrolment_secret(user: User, reference: str | None) -> str:
    """The secret this browser is setting up (the same on a reload, so the QR code the app scanned stays right), or
    a new one if `reference` is not the account's pending secret (a first visit, or another browser since)."""
    pending = user.totp_pending_secret
    if pending is not None and _is_reference_of(pending, reference):
        return pending
    user.totp_pending_secret = new_secret()
    db.session.commit()
    return user.totp_pending_secret


def _is_reference_of(secret: str, reference: str | None) -> bool:
    return hmac.compare_digest(enrolment_reference(secret), reference or "")


def provisioning_uri(user: User, secret: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI, for an <img> (the CSP allows data: images, and no script draws it).
    Dark on light with its quiet zone in every colour scheme, as scanners expect."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff",
                                                   title="QR code of your two-factor secret")


def grouped(secret: str) -> str:
    """The secret in groups of four, as it is typed into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def enable(user: User, reference: str | None, password: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with the secret this browser is setting up (`reference`, from
    enrolment_reference) once the owner gives the password and proves their app has the secret (`code`); returns
    the new recovery codes, which are shown once and stored only as hashes."""
    if is_enabled(user):
        raise TwoFactorError("code", "Two-factor sign-in is on already: turn it off first to set up another app.")
    confirm_password(user, password, note="Two-factor sign-in is still off.")
    secret = user.totp_pending_secret
    if secret is None or not _is_reference_of(secret, reference):
        raise TwoFactorError("code", "This setup was replaced by a newer one (in another tab or browser). Scan the "
                                     "new QR code below, then type the code your app shows for it.")
    step = _matching_step(secret, code)
    if step is None:
        raise TwoFactorError("code", "That code does not match. Check that your app added this account, and that "
                                     "your phone's clock is right, then type the code it shows now.")
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record(user, "account.two_factor_on", user)
    notices.two_factor_changed(user, "enabled")  # the owner hears of it, with what to do if not them
    db.session.commit()
    return codes


def check_sign_in_code(user: User, code: str) -> str | None:
    """The kind of code that let `user` in ("app" or "recovery"), or None. A code is accepted once; the claim is
    committed here, so a refused sign-in after it cannot give the code back."""
    if (secret := user.totp_secret) is None:
        return None
    normalized = _digits(code)
    if CODE_PATTERN.fullmatch(normalized):
        step = _matching_step(secret, normalized)
        if step is not None and _claim_step(user, step):
            db.session.commit()
            return "app"
        return None
    if _claim_recovery_code(user, code):
        db.session.commit()
        return "recovery"
    return None


def disable(user: User, password: str, code: str) -> None:
    """Turn two-factor sign-in off: the owner's password and a current code (or a recovery code) first, so a
    session left open cannot weaken the account."""
    confirm_password(user, password, note="Two-factor sign-in is still on.")
    if check_sign_in_code(user, code) is None:
        raise TwoFactorError("code", "That code is not correct, or was used already. Two-factor sign-in is still on.")
    _turn_off(user)
    audit.record(user, "account.two_factor_off", user)
    notices.two_factor_changed(user, "disabled")  # the owner hears of it, with what to do if not them
    db.session.commit()


def reset(user: User) -> None:
    """The operator's reset for a user locked out (phone and recovery codes lost): sign-in asks for the password
    only, until the user turns two-factor sign-in on again. The audit log says who did it."""
    _turn_off(user)
    audit.record(None, "account.reset_two_factor", user)
    notices.two_factor_changed(user, "reset")  # the owner hears of it, with what to do if not them
    db.session.commit()


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _digits(code: str) -> str:
    return "".join((code or "").split())


def _matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    code = _digits(code)
    if not CODE_PATTERN.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in range(current - STEPS_OF_DRIFT, current + STEPS_OF_DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    # Through the connection, not the ORM: the ORM's bulk-update hook would count this as a change to the public
    # site (site_versions), and a sign-in changes nothing a visitor sees.
    users = User.__table__
    claimed = db.session.connection().execute(
        update(users).where(users.c.id == user.id,
                            (users.c.totp_last_step.is_(None)) | (users.c.totp_last_step < step))
        .values(totp_last_step=step)).rowcount == 1
    db.session.expire(user, ["totp_last_step"])
    return claimed


def _normalize_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_normalize_recovery_code(code).encode()).hexdigest()


def _claim_recovery_code(user: User, code: str) -> bool:
    if len(_normalize_recovery_code(code)) != RECOVERY_CODE_LENGTH:
        return False
    codes = RecoveryCode.__table__
    return db.session.connection().execute(
        update(codes).where(codes.c.user_id == user.id, codes.c.code_hash == _hash_recovery_code(code),
                            codes.c.used_at.is_(None))
        .values(used_at=utcnow())).rowcount == 1


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code)) for code in codes)
    return codes
