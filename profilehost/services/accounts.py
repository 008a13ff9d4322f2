"""Accounts: the one registration gate, passwords and login sessions. Changes of an account's state (approve,
suspend, delete, restore, roles) are the lifecycle's, in services.moderation."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import notices, verification
from ..models import ACCOUNT_RESTORE_WINDOW, AccountState, ApiToken, Profile, Role, User, new_session_token, utcnow
from . import audit
from .errors import FieldConflict, FieldError

# THE grammar of a username, which the public routes and the fast path build their patterns from.
USERNAME_PATTERN = "[a-z0-9][a-z0-9-]{0,30}[a-z0-9]"
MIN_PASSWORD_LENGTH = 10
RESERVED_NAMES_FILE = resources.files(__package__) / "reserved_usernames.txt"
# Unicode's confusables (UTS #39) inside the username alphabet: after NFKC and casefolding a name is a-z, 0-9 and
# '-', and between those characters Unicode maps only 0 -> O, 1 -> l and m -> rn. Also i -> l (a lowercase 'i'
# and 'l' differ by a dot in a URL bar), and hyphens go: 'sign-in' reads as 'signin'.
_SKELETON = str.maketrans({"0": "o", "1": "l", "i": "l", "m": "rn", "-": None})


def normalize_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).casefold().strip()


def username_skeleton(name: str) -> str:
    return normalize_username(name).translate(_SKELETON)


def _read_reserved_names() -> tuple[frozenset[str], frozenset[str]]:
    """The names of the data file, and those of its names (marked '*') that no name may even contain."""
    names, contained = set(), set()
    for line in RESERVED_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        name = line.partition("#")[0].strip()
        if name.startswith("*"):
            name = name[1:]
            contained.add(username_skeleton(name))
        if name:
            names.add(name)
    return frozenset(names), frozenset(contained)


# First path segments the app uses itself (a test keeps this in step with the URL map), and names that would let
# a tenant pass for the service: see reserved_usernames.txt.
RESERVED_USERNAMES, _RESERVED_INSIDE_NAMES = _read_reserved_names()
_RESERVED_SKELETONS = frozenset(username_skeleton(name) for name in RESERVED_USERNAMES)


def is_reserved(username: str) -> bool:
    """A reserved name, a look-alike of one ('adm1n', 'no-reply'), a compound of them ('security-team'), or a name
    containing the service's own ('profilehost-news')."""
    skeleton = username_skeleton(username)
    parts = [username_skeleton(part) for part in username.split("-") if part]
    return (skeleton in _RESERVED_SKELETONS or all(part in _RESERVED_SKELETONS for part in parts)
            or any(inside in skeleton for inside in _RESERVED_INSIDE_NAMES))


_hasher = PasswordHasher()


class AccountError(FieldError):
    """A refused account change; `field` names the form field the message belongs to."""


class AccountTaken(AccountError, FieldConflict):
    """The name or the email belongs to another account, perhaps one a request at the same moment created."""


def check_username(username: str) -> None:
    if not 2 <= len(username) <= 32:
        raise AccountError("username", "Usernames are 2 to 32 characters long.")
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise AccountError(
            "username",
            "Use only lowercase letters a-z, digits and hyphens, not starting or ending with a hyphen.",
        )
    if is_reserved(username):
        raise AccountError("username", f"'{username}' is reserved by profilehost, or reads like a name it keeps for "
                                   "itself. Please choose another name.")


def check_email(raw: str) -> str:
    """The address in the one spelling it is stored and compared in: lowercase, so 'Ann@Example.org' and
    'ann@example.org' are one address (mail servers ignore the case of the part before '@' in practice), and the
    database's unique constraint on users.email holds in any letter case."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError("email", f"That email address is not valid: {error}") from None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalize_username(username)))


def create_account(username: str, email: str, password: str, *, admin: bool = False,
                   state: str = AccountState.ACTIVE, email_confirmed: bool = True,
                   must_change_password: bool = False) -> User:
    """Validate and store a new account with an empty profile. Raises AccountError. An operator's account (the
    CLI, the demo) has its address confirmed; otherwise a confirmation link is mailed in the same transaction.
    must_change_password: the password was chosen by someone else (services.first_sign_in)."""
    username = normalize_username(username)
    check_username(username)
    email = check_email(email)
    check_password(password)
    _refuse_taken(username, email)
    user = User(username=username, email=email, password_hash=hash_password(password),
                role=Role.ADMIN if admin else Role.USER, state=state,
                email_verified_at=utcnow() if email_confirmed else None, must_change_password=must_change_password)
    user.profile = Profile(display_name=username)
    if not email_confirmed:
        # Rendered before the account's row is written: the write lock is held only for the INSERTs.
        verification.ask_to_confirm(user, email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # A request at the same moment took the name or the email after our check: its account is committed now.
        db.session.rollback()
        _refuse_taken(username, email)
        raise
    return user


def _refuse_taken(username: str, email: str) -> None:
    if find_user(username) is not None:
        raise AccountTaken("username", f"The name '{username}' is taken. Please choose another.")
    if _email_owner(email) is not None:
        raise AccountTaken("email", ADDRESS_TAKEN)


ADDRESS_TAKEN = "An account with this email address exists already. Try logging in."


class RegistrationMailed(AccountError, FieldConflict):
    """The address belongs to an account already: its owner was mailed, and the visitor is told only what a new
    account's registration tells (a link was sent), so the form's words say nothing of who has an account."""


def _email_owner(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# A registration form sent twice (a double click, a browser retrying) makes one account, and both answers log in.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=1)


def _made_by_the_same_form(username: str, email: str, password: str) -> User | None:
    """The account a registration with these very fields created within DOUBLE_SUBMIT_WINDOW, if any."""
    user = find_user(username)
    if user is None or user.created_at < utcnow() - DOUBLE_SUBMIT_WINDOW:
        return None
    try:
        same_email = user.email == check_email(email)
    except AccountError:
        return None
    return user if same_email and password_matches(user, password) else None


def register_account(username: str, email: str, password: str, *, mode: str, invite_code: str = "") -> User:
    """The one gate for accounts made by visitors (the web form and any future signup path; the operator's CLI
    uses create_account directly). `mode` is the PROFILEHOST_REGISTRATION setting."""
    if mode == "closed":
        raise AccountError("username", "Registration is closed on this site. Ask an administrator for an account.")
    try:
        return _register_open_account(username, email, password, mode=mode, invite_code=invite_code)
    except AccountError as refused:
        db.session.rollback()
        if (made := _made_by_the_same_form(username, email, password)) is not None:
            return made
        if refused.message == ADDRESS_TAKEN and verification.verification_required():
            raise _mail_the_owner(check_email(email), password) from None
        raise


def _mail_the_owner(email: str, password: str) -> RegistrationMailed:
    """With verification on, a registration with a taken address is answered as a new one would be, and the
    address's owner is told by mail (what to do if it was them). Without verification no mail could say it, so
    the form says the address is taken."""
    hash_password(password)  # the work a new account's registration does, so the answer takes as long
    if (owner := _email_owner(email)) is not None:
        notices.registration_attempted(owner)
        db.session.commit()
    return RegistrationMailed("email", f"We sent a link to {email}: follow it to confirm your address and go on.")


def _register_open_account(username: str, email: str, password: str, *, mode: str, invite_code: str) -> User:
    from .invites import InviteError, consume_invite

    if mode == "invite":
        if not invite_code.strip():
            raise AccountError("invite_code", "Registration needs an invite code on this site.")
        try:
            consume_invite(invite_code)
        except InviteError as refused:
            db.session.rollback()
            raise AccountError("invite_code", str(refused)) from None
    state = AccountState.PENDING if mode == "approval" else AccountState.ACTIVE
    return create_account(username, email, password, state=state,
                          email_confirmed=not verification.verification_required())


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None:
        # Hash anyway so a missing name takes as long as a wrong password.
        _hasher.hash(password)
        return None
    return user if password_matches(user, password) else None


def end_sessions_and_tokens(user: User) -> None:
    """The one way an account's access ends (logout, password change or reset, suspension, deletion): every
    browser session and every API token stops working at its next request. The caller commits.

    Sessions are signed cookies, so ending them means changing what they are checked against: Flask-Login's id
    for the user includes session_token, and load_session_user refuses an id whose token is not the current one."""
    user.session_token = new_session_token()
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def log_out(user: User) -> None:
    end_sessions_and_tokens(user)
    db.session.commit()


def confirm_password(user: User, password: str, *, field: str = "password", note: str = "") -> None:
    """Raises AccountError on `field`, followed by `note` (what did not happen), unless `password` is the user's."""
    if not password_matches(user, password):
        raise AccountError(field, " ".join(("The current password is not correct.", note)).strip())


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end the user's sessions and API tokens (the caller logs the current browser in
    again)."""
    confirm_password(user, current, field="current_password")
    _set_password(user, new)
    notices.password_changed(user, "changed")
    db.session.commit()


def reset_password(user: User, new: str, *, must_change_password: bool = False) -> None:
    """An operator's reset (the command line), for a forgotten password: every session of the account ends, a
    change of address waiting for confirmation is cancelled, the owner is told by mail, and the audit log says
    who did it. must_change_password: the password is the operator's choice (services.first_sign_in)."""
    _set_password(user, new)
    user.must_change_password = must_change_password
    user.pending_email = None
    notices.password_changed(user, "reset_by_operator")
    audit.record(None, "account.reset_password", user)
    db.session.commit()


def set_password(user: User, new: str) -> None:
    """For a caller that has proved the right to change it otherwise (a reset link); the caller commits."""
    _set_password(user, new)


def _set_password(user: User, new: str) -> None:
    check_password(new)
    user.password_hash = hash_password(new)
    end_sessions_and_tokens(user)


def load_session_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not may_log_in(user):
        return None
    return user


def may_log_in(user: User) -> bool:
    """Suspended owners log in to read the reason and appeal; self-deleted ones to cancel within the window."""
    return user.state != AccountState.DELETED or deletion_can_be_cancelled(user)


def list_accounts() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def has_admin() -> bool:
    return db.session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None


OWNER_DELETION = "deleted by its owner"


def change_email(user: User, password: str, new_email: str) -> bool:
    """True if the address is changed now; False if it waits for the owner to follow the link mailed to it (the
    old address stays in use until then, so a typo cannot cut the owner off)."""
    confirm_password(user, password)
    email = check_email(new_email)
    taken = AccountTaken("email", "Another account uses this email address.")
    if _email_owner(email) not in (None, user):
        raise taken
    if email == user.email:
        user.pending_email = None
        db.session.commit()
        return True
    if verification.verification_required():
        user.pending_email = email
        verification.ask_to_confirm(user, email)
        notices.email_change_requested(user, email)
        db.session.commit()
        return False
    # Without verification an address is taken as given, as at registration.
    verification.switch_address(user, email, utcnow(), taken)
    return True


def deletion_can_be_cancelled(user: User) -> bool:
    """Only the owner's own deletion is cancelled by logging in; an admin's deletion is undone by an admin."""
    return (user.state == AccountState.DELETED and user.state_reason == OWNER_DELETION
            and user.deleted_at is not None and user.deleted_at > utcnow() - ACCOUNT_RESTORE_WINDOW)
